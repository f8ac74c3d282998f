/** Models made through `POST /v1/models` (migration 0021). */
import { type Kysely, type Selectable, sql } from "kysely";
import type { CreatedModel } from "../core/created-model.ts";
import type { CreatedModelsTable, DB } from "./schema.ts";

function fromRow(row: Selectable<CreatedModelsTable>): CreatedModel {
  return {
    owner: row.owner,
    name: row.name,
    tokenId: row.token_id,
    provider: row.provider,
    upstream: row.upstream === 1,
    visibility: row.visibility as CreatedModel["visibility"],
    hardware: row.hardware,
    description: row.description,
    links: JSON.parse(row.links) as CreatedModel["links"],
    createdAt: row.created_at,
  };
}

export class CreatedModelsRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** False when a model of that name exists already. */
  async insert(model: CreatedModel): Promise<boolean> {
    const result = await this.#db
      .insertInto("created_models")
      .values({
        full_name: `${model.owner}/${model.name}`,
        owner: model.owner,
        name: model.name,
        token_id: model.tokenId,
        provider: model.provider,
        upstream: model.upstream ? 1 : 0,
        visibility: model.visibility,
        hardware: model.hardware,
        description: model.description,
        links: JSON.stringify(model.links),
        created_at: model.createdAt,
      })
      .onConflict((oc) => oc.column("full_name").doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async get(fullName: string): Promise<CreatedModel | null> {
    const row = await this.#db
      .selectFrom("created_models")
      .selectAll()
      .where("full_name", "=", fullName)
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** Those (of `tokenId`, or anyone's) whose owner, name or description holds `text` (any case), oldest first. */
  async search(text: string, tokenId: string | null | undefined, limit: number): Promise<CreatedModel[]> {
    const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.#db
      .selectFrom("created_models")
      .selectAll()
      .where(
        sql<boolean>`(lower(full_name) like ${pattern} escape '\\' or lower(description) like ${pattern} escape '\\')`,
      )
      .$if(tokenId !== undefined, (query) =>
        tokenId === null ? query.where("token_id", "is", null) : query.where("token_id", "=", tokenId ?? ""),
      )
      .orderBy("created_at")
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }
}
