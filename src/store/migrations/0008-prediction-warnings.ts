/** What a provider drops or rewrites of a prediction's input, as warnings (JSON list); null when none. */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const predictionWarnings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("predictions").addColumn("warnings", "text").execute();
  },
};
