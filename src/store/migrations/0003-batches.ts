/**
 * Batches: a batch row, one item row per requested generation (its request, and its current
 * prediction), and `batch_id` on predictions for scheduling. Webhook deliveries now belong to a
 * prediction or a batch, so their owner column becomes `subject_id`.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const batches: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("batches")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("token_id", "text")
      /** `<token id>:<Idempotency-Key>`, so one key names one batch per token. */
      .addColumn("idempotency_key", "text", (c) => c.unique())
      .addColumn("request_hash", "text", (c) => c.notNull())
      .addColumn("name_template", "text", (c) => c.notNull())
      .addColumn("concurrency", "integer")
      .addColumn("webhook", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("item_count", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("completed_at", "bigint")
      .execute();
    await db.schema
      .createIndex("batches_token_id_created_at_id")
      .on("batches")
      .columns(["token_id", "created_at", "id"])
      .execute();
    await db.schema.createIndex("batches_status").on("batches").column("status").execute();

    await db.schema
      .createTable("batch_items")
      .addColumn("batch_id", "text", (c) => c.notNull())
      .addColumn("item_index", "integer", (c) => c.notNull())
      .addColumn("prediction_id", "text", (c) => c.notNull())
      /** What the client asked for (model reference and input), to run the item again on a retry. */
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("input", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("batch_items_pk", ["batch_id", "item_index"])
      .execute();

    await db.schema.alterTable("predictions").addColumn("batch_id", "text").execute();
    await db.schema
      .createIndex("predictions_batch_id_state")
      .on("predictions")
      .columns(["batch_id", "state"])
      .execute();

    await db.schema.alterTable("webhook_deliveries").renameColumn("prediction_id", "subject_id").execute();
  },
};
