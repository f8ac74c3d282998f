/**
 * Indexes that leave out the rows whose key is null, which no query looks up: a prediction outside
 * a batch, one not yet started upstream, a spend by a token of no tenant. Such rows were each an
 * entry (moved again at every change of state, for the batch's index), and so a page more written
 * at most of a prediction's writes. Every query of these indexes names a value of their first
 * column (`=` or `in`), which both databases read as implying that it is not null.
 */
import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

const SPARSE = [
  ["predictions_batch_id_state", "predictions", "batch_id, state", "batch_id"],
  ["predictions_provider_upstream_id", "predictions", "provider, upstream_id", "upstream_id"],
  ["spend_ledger_tenant_id_at", "spend_ledger", "tenant_id, at", "tenant_id"],
] as const;

export const sparseIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, table, columns, key] of SPARSE) {
      await sql`drop index ${sql.id(name)}`.execute(db);
      await sql`create index ${sql.id(name)} on ${sql.id(table)} (${sql.raw(columns)}) where ${sql.id(key)} is not null`.execute(
        db,
      );
    }
  },
};
