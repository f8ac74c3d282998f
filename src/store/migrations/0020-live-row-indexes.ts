/**
 * Indexes that let the engine read live work only, however many ended predictions the table holds:
 *
 * - `predictions_queued_groups`: the queued predictions of a provider by fair-share group (a
 *   tenant's batch, or its predictions outside batches), most urgent first within a group. The
 *   dispatcher steps from group to group through it and takes the first few of each, instead of
 *   ranking every queued row on every pass. Only queued rows are in it.
 * - `predictions_webhook_completed_at`: predictions with a webhook by end time, for the sweep that
 *   looks for recent ends whose webhook was never queued (it read every ended row before).
 *
 * Counts of unfinished predictions use `predictions_provider_state` and
 * `predictions_state_next_check_at`, and a batch's unfinished items `predictions_batch_id_state`,
 * all of which already exist. The same SQL serves SQLite and PostgreSQL; the queries name the
 * indexed expression and the states exactly as written here (queued-groups.ts).
 */
import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";
import { QUEUED, QUEUED_GROUP_KEY } from "../queued-groups.ts";

export const liveRowIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index predictions_queued_groups on predictions
      (provider, (${QUEUED_GROUP_KEY}), priority desc, next_check_at, created_at) where ${QUEUED}`.execute(
      db,
    );
    await sql`create index predictions_webhook_completed_at on predictions (completed_at)
      where webhook is not null`.execute(db);
  },
};
