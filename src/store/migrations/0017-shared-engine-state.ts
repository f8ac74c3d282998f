/**
 * Engine state every process of a queue-mode deployment shares: the starts each tenant and group
 * has been served at a provider (fair turns), and provider webhooks whose update a worker applies
 * (an API process never calls a provider, so it hands over what needs one, such as output files).
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const sharedEngineState: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("fair_shares")
      .addColumn("provider", "text", (c) => c.notNull())
      /** "tenant" (a token) or "group" (a tenant's batch, or its predictions outside batches). */
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("served", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("fair_shares_pk", ["provider", "scope", "key"])
      .execute();
    await db.schema
      .createTable("received_webhooks")
      .addColumn("prediction_id", "text", (c) => c.primaryKey())
      .addColumn("upstream_id", "text", (c) => c.notNull())
      /** The request as received, for the provider to parse again: URL, headers (JSON) and body. */
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("headers", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .execute();
  },
};
