/**
 * A batch item's own output path and the client's metadata about it (JSON); null when the item has
 * none.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const batchItemPaths: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("batch_items").addColumn("output_path", "text").execute();
    await db.schema.alterTable("batch_items").addColumn("metadata", "text").execute();
  },
};
