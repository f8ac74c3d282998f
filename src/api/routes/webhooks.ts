import { Hono } from "hono";
import type { ApiDeps, ApiEnv } from "../api-context.ts";

/**
 * The secret the caller's outbound webhooks are signed with, as Replicate's
 * `webhooks.default.secret.get`: each token has its own.
 */
export function webhookSecretRoutes({ engine }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/webhooks/default/secret", async (c) =>
    c.json({ key: await engine.webhookSecret(c.get("token").id) }),
  );
  return app;
}

/** Webhooks from providers; each provider checks its own signature. */
export function inboundWebhookRoutes({ engine }: ApiDeps): Hono {
  const app = new Hono();
  app.post("/hooks/:provider", async (c) => {
    const rawBody = await c.req.text();
    await engine.receiveWebhook(c.req.param("provider"), c.req.raw, rawBody);
    return c.json({ received: true });
  });
  return app;
}
