/** Operator routes under /v1/admin, for admin tokens only: providers' health and state, API tokens. */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { ApiToken } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { limitBody } from "../body-limit.ts";
import { readJson } from "../request-body.ts";

const newTokenSchema = z.strictObject({
  name: z
    .string({ error: "name is required" })
    .trim()
    .min(1, "name must not be empty")
    .max(100, "name must be at most 100 characters"),
  admin: z.boolean({ error: "admin must be true or false" }).optional(),
});

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function tokenJson(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    admin: token.isAdmin,
    created_at: new Date(token.createdAt).toISOString(),
    last_used_at: isoOrNull(token.lastUsedAt),
    revoked_at: isoOrNull(token.revokedAt),
  };
}

export function adminRoutes({ engine, store, config }: ApiDeps): Hono<ApiEnv> {
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

  /** Work in flight, start budget and circuits of each provider, without calling any of them. */
  app.get("/admin/providers/state", async (c) => {
    const states = await engine.providerStates();
    return c.json({
      providers: states.map((state) => ({
        provider: state.provider,
        concurrency: {
          limit: state.concurrency.limit,
          in_flight: state.concurrency.inFlight,
          queued: state.concurrency.queued,
        },
        rate_limit: {
          bucket: state.rateLimit.bucket,
          per_minute: state.rateLimit.perMinute,
          burst: state.rateLimit.burst,
          available: state.rateLimit.available,
        },
        circuits: state.circuits,
      })),
    });
  });

  app.get("/admin/tokens", async (c) => c.json({ results: (await store.tokens.list()).map(tokenJson) }));

  app.post("/admin/tokens", limitBody(config.maxBodyBytes), async (c) => {
    const body = await readJson(c, newTokenSchema);
    const { secret, token } = await store.tokens.issue({ name: body.name, isAdmin: body.admin === true });
    return c.json({ ...tokenJson(token), token: secret }, 201);
  });

  app.delete("/admin/tokens/:id", async (c) => {
    const id = c.req.param("id");
    // The dashboard (or script) asking would lock itself out mid-request.
    if (id === c.get("token").id)
      throw new GatewayError("conflict", "a token cannot revoke itself; revoke it with another admin token");
    if (!(await store.tokens.revoke(id))) throw new GatewayError("not_found", `no live token ${id}`);
    return c.body(null, 204);
  });
  return app;
}
