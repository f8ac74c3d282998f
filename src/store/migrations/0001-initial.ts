/**
 * The initial schema. Portable types only, so one migration serves SQLite and PostgreSQL:
 * `text` for strings and JSON, `bigint` for epoch milliseconds and sizes, `integer` for small
 * numbers and booleans (0/1).
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("predictions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("provider_model", "text", (c) => c.notNull())
      .addColumn("input", "text", (c) => c.notNull())
      .addColumn("output", "text")
      .addColumn("logs", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("error", "text")
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("upstream_phase", "text")
      .addColumn("upstream_id", "text")
      .addColumn("operation", "text")
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("webhook", "text")
      .addColumn("webhook_events_filter", "text")
      .addColumn("token_id", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("started_at", "bigint")
      .addColumn("completed_at", "bigint")
      .addColumn("next_check_at", "bigint", (c) => c.notNull())
      .addColumn("deadline_at", "bigint")
      .addColumn("cancel_requested_at", "bigint")
      .addColumn("metrics", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("streaming", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("priority", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    const predictionIndexes: Record<string, string[]> = {
      predictions_state_next_check_at: ["state", "next_check_at"],
      predictions_provider_state: ["provider", "state"],
      predictions_provider_upstream_id: ["provider", "upstream_id"],
      predictions_created_at_id: ["created_at", "id"],
      predictions_token_id_created_at_id: ["token_id", "created_at", "id"],
    };
    for (const [name, columns] of Object.entries(predictionIndexes)) {
      await db.schema.createIndex(name).on("predictions").columns(columns).execute();
    }

    await db.schema
      .createTable("api_tokens")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("is_admin", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_used_at", "bigint")
      .addColumn("revoked_at", "bigint")
      .execute();

    await db.schema
      .createTable("files")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("content_type", "text", (c) => c.notNull())
      .addColumn("size", "bigint", (c) => c.notNull())
      .addColumn("sha256", "text", (c) => c.notNull())
      .addColumn("md5", "text", (c) => c.notNull())
      .addColumn("storage_key", "text", (c) => c.notNull())
      .addColumn("metadata", "text", (c) => c.notNull())
      .addColumn("token_id", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint")
      .execute();
    await db.schema.createIndex("files_created_at_id").on("files").columns(["created_at", "id"]).execute();

    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("prediction_id", "text", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
      .addColumn("last_status", "integer")
      .addColumn("last_error", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_state_next_attempt_at")
      .on("webhook_deliveries")
      .columns(["state", "next_attempt_at"])
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_prediction_id")
      .on("webhook_deliveries")
      .column("prediction_id")
      .execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();
  },
};
