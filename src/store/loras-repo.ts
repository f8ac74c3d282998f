/** LoRAs and the steps of their flow. Every step change is a conditional UPDATE. */
import type { Kysely, Selectable, UpdateObject } from "kysely";
import type { Lora, LoraStatus } from "../core/lora.ts";
import { type KeysetCursor, newestFirst } from "./newest-first.ts";
import { ReadCache } from "./read-cache.ts";
import type { DB, LorasTable } from "./schema.ts";

export type LoraPatch = Partial<
  Pick<
    Lora,
    | "status"
    | "zipUrl"
    | "destination"
    | "trainingId"
    | "version"
    | "weightsKey"
    | "sampleIds"
    | "error"
    | "completedAt"
    | "nextCheckAt"
  >
>;

const ownerName = (tokenId: string | null, name: string) => `${tokenId ?? ""}:${name}`;

function toRow(lora: Lora): Selectable<LorasTable> {
  return {
    id: lora.id,
    token_id: lora.tokenId,
    owner_name: ownerName(lora.tokenId, lora.name),
    name: lora.name,
    trigger_word: lora.triggerWord,
    provider: lora.provider,
    trainer: lora.trainer,
    params: JSON.stringify(lora.params),
    photo_count: lora.photoCount,
    zip_key: lora.zipKey,
    zip_url: lora.zipUrl,
    destination: lora.destination,
    training_id: lora.trainingId,
    version: lora.version,
    weights_key: lora.weightsKey,
    sample_count: lora.sampleCount,
    sample_ids: JSON.stringify(lora.sampleIds),
    webhook: lora.webhook,
    status: lora.status,
    error: lora.error,
    created_at: lora.createdAt,
    completed_at: lora.completedAt,
    next_check_at: lora.nextCheckAt,
  };
}

function fromRow(row: Selectable<LorasTable>): Lora {
  return {
    id: row.id,
    tokenId: row.token_id,
    name: row.name,
    triggerWord: row.trigger_word,
    provider: row.provider,
    trainer: row.trainer,
    params: JSON.parse(row.params) as Record<string, unknown>,
    photoCount: row.photo_count,
    zipKey: row.zip_key,
    zipUrl: row.zip_url,
    destination: row.destination,
    trainingId: row.training_id,
    version: row.version,
    weightsKey: row.weights_key,
    sampleCount: row.sample_count,
    sampleIds: JSON.parse(row.sample_ids) as string[],
    webhook: row.webhook,
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    nextCheckAt: row.next_check_at,
  };
}

function patchToUpdate(patch: LoraPatch): UpdateObject<DB, "loras"> {
  const columns: UpdateObject<DB, "loras"> = {
    status: patch.status,
    zip_url: patch.zipUrl,
    destination: patch.destination,
    training_id: patch.trainingId,
    version: patch.version,
    weights_key: patch.weightsKey,
    sample_ids: patch.sampleIds === undefined ? undefined : JSON.stringify(patch.sampleIds),
    error: patch.error,
    completed_at: patch.completedAt,
    next_check_at: patch.nextCheckAt,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
}

/** How long a LoRA made or changed by another process may take to be seen by name here. */
const LORA_CACHE_MS = 2_000;

export class LorasRepo {
  readonly #db: Kysely<DB>;
  /** LoRAs by destination: every submit of a model by name asks whether it is a LoRA's. */
  readonly #byDestination = new ReadCache<Lora | null>(LORA_CACHE_MS);

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Stores a new LoRA; false when the token already has one of that name. */
  async insert(lora: Lora): Promise<boolean> {
    const inserted = await this.#db
      .insertInto("loras")
      .values(toRow(lora))
      .onConflict((oc) => oc.column("owner_name").doNothing())
      .executeTakeFirst();
    this.#byDestination.clear();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async get(id: string): Promise<Lora | null> {
    const row = await this.#db.selectFrom("loras").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  async getByName(tokenId: string | null, name: string): Promise<Lora | null> {
    const row = await this.#db
      .selectFrom("loras")
      .selectAll()
      .where("owner_name", "=", ownerName(tokenId, name))
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /**
   * The LoRA whose trained model is `destination` (`owner/name`), as read at most LORA_CACHE_MS
   * ago: a LoRA made by another process is only named once its training starts, seconds later.
   */
  findByDestination(destination: string): Promise<Lora | null> {
    return this.#byDestination.get(destination, async () => {
      const row = await this.#db
        .selectFrom("loras")
        .selectAll()
        .where("destination", "=", destination)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    });
  }

  /** The LoRA whose trained version has this version id (the part after `:`). */
  async findByVersionId(versionId: string): Promise<Lora | null> {
    const row = await this.#db
      .selectFrom("loras")
      .selectAll()
      .where("version", "like", `%:${versionId.replace(/[%_\\]/g, "")}`)
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Newest first, by (createdAt, id) descending. */
  async list(options: { tokenId?: string; limit: number; before?: KeysetCursor }): Promise<Lora[]> {
    let query = this.#db.selectFrom("loras").selectAll();
    if (options.tokenId !== undefined) query = query.where("token_id", "=", options.tokenId);
    const rows = await newestFirst(query, options.limit, options.before).execute();
    return rows.map(fromRow);
  }

  /** LoRAs in a step of the flow whose next look is due, oldest first. */
  async due(statuses: readonly LoraStatus[], now: number, limit: number): Promise<Lora[]> {
    if (statuses.length === 0) return [];
    const rows = await this.#db
      .selectFrom("loras")
      .selectAll()
      .where("status", "in", statuses)
      .where("next_check_at", "<=", now)
      .orderBy("next_check_at", "asc")
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Applies `patch` only if status and nextCheckAt are still what the caller read. */
  async claim(lora: Pick<Lora, "id" | "status" | "nextCheckAt">, patch: LoraPatch): Promise<Lora | null> {
    const row = await this.#db
      .updateTable("loras")
      .set(patchToUpdate(patch))
      .where("id", "=", lora.id)
      .where("status", "=", lora.status)
      .where("next_check_at", "=", lora.nextCheckAt)
      .returningAll()
      .executeTakeFirst();
    this.#byDestination.clear();
    return row === undefined ? null : fromRow(row);
  }

  /** Applies `patch` only if the LoRA is in one of `from`; the updated LoRA, or null. */
  async transition(id: string, from: readonly LoraStatus[], patch: LoraPatch): Promise<Lora | null> {
    if (from.length === 0) return null;
    const row = await this.#db
      .updateTable("loras")
      .set(patchToUpdate(patch))
      .where("id", "=", id)
      .where("status", "in", from)
      .returningAll()
      .executeTakeFirst();
    this.#byDestination.clear();
    return row === undefined ? null : fromRow(row);
  }

  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom("loras").where("id", "=", id).execute();
    this.#byDestination.clear();
  }
}
