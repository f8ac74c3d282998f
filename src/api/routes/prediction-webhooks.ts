/** The webhook deliveries of a prediction, read-only, for its owner (or an admin). */
import { Hono } from "hono";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";

export function predictionWebhookRoutes({ engine, store }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/predictions/:id/webhooks", async (c) => {
    const prediction = await engine.get(c.req.param("id"), ownerScope(c.get("token")));
    const deliveries = await store.webhookDeliveries.listForSubject(prediction.id);
    const iso = (ms: number) => new Date(ms).toISOString();
    return c.json({
      results: deliveries.map((delivery) => ({
        id: delivery.id,
        event: delivery.event,
        url: delivery.url,
        state: delivery.state,
        attempts: delivery.attempts,
        last_status: delivery.lastStatus,
        last_error: delivery.lastError,
        created_at: iso(delivery.createdAt),
        next_attempt_at: delivery.state === "pending" ? iso(delivery.nextAttemptAt) : null,
      })),
    });
  });
  return app;
}
