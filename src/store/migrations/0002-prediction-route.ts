/** How a prediction of a catalog alias is routed (JSON of core's PredictionRoute); null otherwise. */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const predictionRoute: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("predictions").addColumn("route", "text").execute();
  },
};
