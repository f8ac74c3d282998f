/**
 * Trainings are stored as predictions with a `destination` model; LoRAs record each step of the
 * flow from photos to a trained version.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const loras: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("predictions").addColumn("destination", "text").execute();

    await db.schema
      .createTable("loras")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("token_id", "text")
      /** `<token id>:<name>`: a name means one LoRA per token. */
      .addColumn("owner_name", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("trigger_word", "text", (c) => c.notNull())
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("trainer", "text", (c) => c.notNull())
      .addColumn("params", "text", (c) => c.notNull())
      .addColumn("photo_count", "integer", (c) => c.notNull())
      .addColumn("zip_key", "text", (c) => c.notNull())
      .addColumn("zip_url", "text")
      .addColumn("destination", "text")
      .addColumn("training_id", "text")
      .addColumn("version", "text")
      .addColumn("weights_key", "text")
      .addColumn("sample_count", "integer", (c) => c.notNull())
      .addColumn("sample_ids", "text", (c) => c.notNull())
      .addColumn("webhook", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("completed_at", "bigint")
      .addColumn("next_check_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("loras_status_next_check_at")
      .on("loras")
      .columns(["status", "next_check_at"])
      .execute();
    await db.schema
      .createIndex("loras_token_id_created_at_id")
      .on("loras")
      .columns(["token_id", "created_at", "id"])
      .execute();
    await db.schema.createIndex("loras_version").on("loras").column("version").execute();
  },
};
