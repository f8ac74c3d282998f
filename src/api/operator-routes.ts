/** What operators and load balancers ask every process, whatever its role: `/health` and `/metrics`. */
import { Hono } from "hono";
import { sql } from "kysely";
import type { Role } from "../config.ts";
import type { Store } from "../store/index.ts";
import { type MetricsAccess, metricsRoutes } from "./metrics-routes.ts";

export interface OperatorDeps {
  role: Role;
  store: Store;
  /** How this process hears of work and events made by others ("in-process" in embedded mode). */
  queue(): { wakeups: string; healthy: boolean };
  /** How `/metrics` answers on this port. */
  metrics: MetricsAccess;
}

export function operatorRoutes({ role, store, queue, metrics }: OperatorDeps): Hono {
  const app = new Hono();
  app.get("/health", async (c) => {
    const { dialect } = store.database;
    const database = await sql`select 1`
      .execute(store.database.db)
      .then(() => ({ dialect, healthy: true }))
      .catch(() => ({ dialect, healthy: false }));
    const queueHealth = queue();
    const healthy = database.healthy && queueHealth.healthy;
    return c.json(
      { status: healthy ? "ok" : "degraded", role, database, queue: queueHealth },
      healthy ? 200 : 503,
    );
  });
  app.route("/", metricsRoutes(metrics));
  return app;
}
