/**
 * State of the providers that every process of a deployment must see: their journals (Replicate's
 * creates, kept 2 hours; the simulator's starts and cancels) and the leases on work that lives in
 * one process's memory (a local tool job), which another process may take once its holder stops
 * renewing it.
 */
import { type Kysely, SqliteAdapter } from "kysely";
import type { Migration } from "kysely/migration";

export const providerJournal: Migration = {
  async up(db: Kysely<unknown>) {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable("provider_journal")
      /** The order records were written in. */
      .addColumn("seq", sqlite ? "integer" : "bigint", (c) =>
        sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      /** gengate's prediction or training id. */
      .addColumn("work_id", "text")
      .addColumn("upstream_id", "text")
      /** JSON. */
      .addColumn("body", "text")
      /** Epoch milliseconds. */
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    for (const [name, columns] of [
      ["provider_journal_work", ["provider", "work_id"]],
      ["provider_journal_upstream", ["provider", "upstream_id"]],
      ["provider_journal_kind", ["provider", "kind", "at"]],
    ] as const) {
      await db.schema
        .createIndex(name)
        .on("provider_journal")
        .columns([...columns])
        .execute();
    }

    await db.schema
      .createTable("work_leases")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("holder", "text", (c) => c.notNull())
      /** Epoch milliseconds (the database's clock on PostgreSQL, the same for every host). */
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .execute();
  },
};
