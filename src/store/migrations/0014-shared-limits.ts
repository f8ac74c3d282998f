/**
 * Limits every process of a queue-mode deployment shares: a provider account's start budget (a
 * token bucket updated in one statement) and each route target's circuit breaker.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const sharedLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("rate_buckets")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("tokens", "double precision", (c) => c.notNull())
      /** Epoch milliseconds of the database's clock, shared by every host. */
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("circuits")
      .addColumn("key", "text", (c) => c.primaryKey())
      /** JSON: failures (times), openedAt, probeSince. */
      .addColumn("circuit", "text", (c) => c.notNull())
      .execute();
  },
};
