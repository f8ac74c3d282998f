/**
 * Each claim of a prediction to start makes a fresh submit id, stored with it: a provider that
 * cannot be asked for its work marks the submit with it (its webhook URL), so work whose start
 * answer was lost is recognised when that webhook comes.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const submitId: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("predictions").addColumn("submit_id", "text").execute();
  },
};
