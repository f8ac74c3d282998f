/**
 * Tenant boundaries: each token signs its webhooks with a key of its own (and each delivery
 * records whose), and uploads are found by their content key (to drop bytes nothing uses) and
 * by expiry (to sweep them).
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const tenantBoundaries: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("api_tokens").addColumn("webhook_signing_key", "text").execute();
    await db.schema.alterTable("webhook_deliveries").addColumn("token_id", "text").execute();
    await db.schema.createIndex("files_storage_key").on("files").column("storage_key").execute();
    await db.schema.createIndex("files_expires_at").on("files").column("expires_at").execute();
  },
};
