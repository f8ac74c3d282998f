/**
 * Favourite outputs, kept per token: the token that marked an output (of its own prediction, or
 * anyone's for an admin) sees it as a favourite; nobody else does.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const favorites: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("favorites")
      .addColumn("token_id", "text", (c) => c.notNull())
      .addColumn("prediction_id", "text", (c) => c.notNull())
      /** The output's place among the prediction's files, in the order the prediction lists them. */
      .addColumn("output_index", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("favorites_pkey", ["token_id", "prediction_id", "output_index"])
      .execute();
  },
};
