/**
 * The W3C `traceparent` of the request that made a prediction, so that the worker which runs it
 * (maybe in another process) continues the request's trace; and of the work that queued a webhook
 * delivery, continued by its sends. Null when tracing was off.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const traceParents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("predictions").addColumn("trace_parent", "text").execute();
    await db.schema.alterTable("webhook_deliveries").addColumn("trace_parent", "text").execute();
  },
};
