/**
 * The Telegram bot's own state: updates received (each handled once, in order per chat), its
 * users (one gengate token each), photos collected for a training, jobs whose results are still
 * to be delivered, and Telegram Stars payments.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const telegram: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("telegram_updates")
      .addColumn("update_id", "bigint", (c) => c.primaryKey())
      .addColumn("chat_id", "bigint", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      /** `pending`, `handling` (claimed at `claimed_at`), `done`. */
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .addColumn("claimed_at", "bigint")
      .execute();
    await db.schema
      .createIndex("telegram_updates_pending")
      .on("telegram_updates")
      .columns(["state", "update_id"])
      .execute();

    await db.schema
      .createTable("telegram_users")
      .addColumn("user_id", "bigint", (c) => c.primaryKey())
      .addColumn("token_id", "text", (c) => c.notNull())
      .addColumn("first_name", "text", (c) => c.notNull())
      .addColumn("language", "text", (c) => c.notNull())
      .addColumn("model", "text")
      .addColumn("aspect_ratio", "text", (c) => c.notNull())
      .addColumn("num_outputs", "integer", (c) => c.notNull())
      /** Images bought with Stars and not used yet, on top of the daily allowance. */
      .addColumn("credits", "integer", (c) => c.notNull())
      /** When the user blocked the bot (a 403), so nothing is sent until they write again. */
      .addColumn("blocked_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("telegram_draft_photos")
      .addColumn("user_id", "bigint", (c) => c.notNull())
      .addColumn("file_unique_id", "text", (c) => c.notNull())
      .addColumn("file_id", "text", (c) => c.notNull())
      .addColumn("added_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("telegram_draft_photos_pkey", ["user_id", "file_unique_id"])
      .execute();

    await db.schema
      .createTable("telegram_jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "bigint", (c) => c.notNull())
      .addColumn("chat_id", "bigint", (c) => c.notNull())
      /** `generate`, `tool` (a prediction) or `train` (a LoRA). */
      .addColumn("kind", "text", (c) => c.notNull())
      /** The prediction's or the LoRA's id. */
      .addColumn("work_id", "text", (c) => c.notNull())
      /** What was asked (model, prompt, settings), so "Again" and "Vary" can ask it again. */
      .addColumn("request", "text", (c) => c.notNull())
      .addColumn("images", "integer", (c) => c.notNull())
      .addColumn("status_message_id", "bigint")
      /** `running`, `delivering` (claimed at `claimed_at`), `delivered`. */
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("claimed_at", "bigint")
      /** The seed the result was made with, for "Again". */
      .addColumn("seed", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("delivered_at", "bigint")
      .execute();
    await db.schema.createIndex("telegram_jobs_state").on("telegram_jobs").columns(["state"]).execute();
    await db.schema
      .createIndex("telegram_jobs_user")
      .on("telegram_jobs")
      .columns(["user_id", "created_at"])
      .execute();

    await db.schema
      .createTable("telegram_payments")
      .addColumn("charge_id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "bigint", (c) => c.notNull())
      .addColumn("stars", "integer", (c) => c.notNull())
      .addColumn("images", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("refunded_at", "bigint")
      .execute();
  },
};
