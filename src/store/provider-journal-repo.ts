/** The providers' journals (core/provider-journal.ts) in the `provider_journal` table. */
import type { Kysely } from "kysely";
import type {
  JournalQuery,
  JournalRecord,
  ProviderJournal,
  ProviderJournals,
} from "../core/provider-journal.ts";
import { CompiledShapes } from "./compiled-shapes.ts";
import { fromJson, toJson } from "./json.ts";
import type { DB } from "./schema.ts";

const listOf = (value: string | readonly string[]): readonly string[] =>
  typeof value === "string" ? [value] : value;

export class ProviderJournalRepo implements ProviderJournals {
  readonly #db: Kysely<DB>;
  readonly #shapes = new CompiledShapes();

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  for(provider: string): ProviderJournal {
    return {
      append: (record) => this.#append(provider, record),
      find: (query) => this.#find(provider, query),
      prune: (before) => this.#prune(provider, before),
    };
  }

  async #append(provider: string, record: JournalRecord): Promise<void> {
    const row = {
      provider,
      kind: record.kind,
      work_id: record.workId,
      upstream_id: record.upstreamId,
      body: toJson(record.body),
      at: record.at,
    };
    await this.#shapes.run(this.#db, "append", Object.values(row), () =>
      this.#db.insertInto("provider_journal").values(row),
    );
  }

  async #find(provider: string, query: JournalQuery): Promise<JournalRecord[]> {
    let select = this.#db
      .selectFrom("provider_journal")
      .select(["kind", "work_id", "upstream_id", "body", "at"])
      .where("provider", "=", provider);
    if (query.kind !== undefined) {
      const kinds = listOf(query.kind);
      if (kinds.length === 0) return [];
      select = select.where("kind", "in", kinds);
    }
    if (query.workId !== undefined) select = select.where("work_id", "=", query.workId);
    if (query.upstreamId !== undefined) {
      const ids = listOf(query.upstreamId);
      if (ids.length === 0) return [];
      select = select.where("upstream_id", "in", ids);
    }
    if (query.since !== undefined) select = select.where("at", ">=", query.since);
    const rows = await select.orderBy("seq").execute();
    return rows.map((row) => ({
      kind: row.kind,
      workId: row.work_id,
      upstreamId: row.upstream_id,
      body: fromJson(row.body),
      at: row.at,
    }));
  }

  async #prune(provider: string, before: number): Promise<void> {
    await this.#db
      .deleteFrom("provider_journal")
      .where("provider", "=", provider)
      .where("at", "<", before)
      .execute();
  }
}
