/** What operators and load balancers ask every process, whatever its role: `/health` and `/metrics`. */
import { Hono } from "hono";
import { sql } from "kysely";
import type { Role } from "../config.ts";
import { PREDICTION_STATES } from "../core/prediction.ts";
import type { Store } from "../store/index.ts";

export interface OperatorDeps {
  role: Role;
  store: Store;
  /** How this process hears of work and events made by others ("in-process" in embedded mode). */
  queue(): { wakeups: string; healthy: boolean };
}

export function operatorRoutes({ role, store, queue }: OperatorDeps): Hono {
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
  app.get("/metrics", async (c) => {
    const counts = await store.predictions.countByState();
    const lines = [
      "# HELP gengate_predictions Predictions by state.",
      "# TYPE gengate_predictions gauge",
      ...PREDICTION_STATES.map((state) => `gengate_predictions{state="${state}"} ${counts[state]}`),
      "# HELP gengate_role The role of this process.",
      "# TYPE gengate_role gauge",
      `gengate_role{role="${role}"} 1`,
    ];
    return c.text(`${lines.join("\n")}\n`, 200, { "content-type": "text/plain; version=0.0.4" });
  });
  return app;
}
