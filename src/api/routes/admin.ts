/** Operator routes under /v1/admin, for admin tokens only. */
import { Hono } from "hono";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";

export function adminRoutes({ engine }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use("/admin/*", async (c, next) => {
    if (!c.get("token").isAdmin) throw new GatewayError("forbidden", "this route needs an admin token");
    await next();
  });

  /** The providers' connection tests run by this server, with its own environment and configuration. */
  app.get("/admin/providers/check", async (c) => {
    const checks = await engine.checkProviders();
    return c.json({
      providers: checks.map((check) => ({
        provider: check.provider,
        reachable: check.reachable,
        authenticated: check.authenticated,
        rate_limit_remaining: check.rateLimitRemaining ?? null,
        detail: check.detail,
      })),
    });
  });
  return app;
}
