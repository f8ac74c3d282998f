/**
 * Tenants, scoped tokens with limits, budgets held before work is sent (counters per budget
 * period, one hold per admitted prediction), the spend ledger (a row per provider run) and the
 * audit log of admin actions. Amounts are integer micro-dollars.
 */
import { type Kysely, sql } from "kysely";
import type { Migration } from "kysely/migration";

const ALL_BUT_ADMIN = [
  "predictions:write",
  "predictions:read",
  "files:write",
  "trainings:write",
  "batches:write",
  "models:read",
];

export const tenantsAndBudgets: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("tenants")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull().unique())
      .addColumn("limits", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema.alterTable("api_tokens").addColumn("tenant_id", "text").execute();
    await db.schema.alterTable("api_tokens").addColumn("scopes", "text").execute();
    await db.schema
      .alterTable("api_tokens")
      .addColumn("limits", "text", (c) => c.notNull().defaultTo("{}"))
      .execute();
    const admin = JSON.stringify(["admin", ...ALL_BUT_ADMIN]);
    const user = JSON.stringify(ALL_BUT_ADMIN);
    await sql`update api_tokens set scopes = case when is_admin <> 0 then ${admin} else ${user} end`.execute(
      db,
    );
    await db.schema.alterTable("api_tokens").dropColumn("is_admin").execute();
    await db.schema.createIndex("api_tokens_tenant_id").on("api_tokens").column("tenant_id").execute();

    await db.schema
      .createTable("budget_usage")
      /** "token" or "tenant". */
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("owner_id", "text", (c) => c.notNull())
      .addColumn("period_start", "bigint", (c) => c.notNull())
      .addColumn("held", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("spent", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("alerted_at", "bigint")
      .addPrimaryKeyConstraint("budget_usage_pk", ["scope", "owner_id", "period_start"])
      .execute();

    await db.schema
      .createTable("budget_holds")
      .addColumn("prediction_id", "text", (c) => c.primaryKey())
      .addColumn("token_id", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text")
      /** The period start of each budget the amount is held against; null where no budget applies. */
      .addColumn("token_period", "bigint")
      .addColumn("tenant_period", "bigint")
      /** 1 where the prediction is counted in the owner's predictions in flight. */
      .addColumn("token_counted", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("tenant_counted", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("amount", "bigint", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("in_flight")
      /** "token" or "tenant". */
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("owner_id", "text", (c) => c.notNull())
      /** Predictions admitted under an in-flight limit and not settled yet. */
      .addColumn("count", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("in_flight_pk", ["scope", "owner_id"])
      .execute();

    await db.schema
      .createTable("spend_ledger")
      .addColumn("prediction_id", "text", (c) => c.notNull())
      .addColumn("run", "integer", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("provider_model", "text", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("token_id", "text")
      .addColumn("tenant_id", "text")
      /** Null when the run's provider and model have no price. */
      .addColumn("cost", "bigint")
      .addColumn("predict_time", "real", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("spend_ledger_pk", ["prediction_id", "run"])
      .execute();
    await db.schema.createIndex("spend_ledger_at").on("spend_ledger").column("at").execute();
    await db.schema
      .createIndex("spend_ledger_token_id_at")
      .on("spend_ledger")
      .columns(["token_id", "at"])
      .execute();
    await db.schema
      .createIndex("spend_ledger_tenant_id_at")
      .on("spend_ledger")
      .columns(["tenant_id", "at"])
      .execute();

    await db.schema
      .createTable("audit_log")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("actor_token_id", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("ip", "text")
      .execute();
    await db.schema
      .createIndex("audit_log_created_at_id")
      .on("audit_log")
      .columns(["created_at", "id"])
      .execute();
  },
};
