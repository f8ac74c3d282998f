/** Operator routes under /v1/admin, for admin tokens only: providers' health and state, tokens, tenants, the audit log. */
import { Hono } from "hono";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { adminAuditRoutes } from "./admin-audit.ts";
import { adminTenantRoutes } from "./admin-tenants.ts";
import { adminTokenRoutes } from "./admin-tokens.ts";

export function adminRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine } = deps;
  const app = new Hono<ApiEnv>();
  // Every route here needs the admin scope (route-scopes.ts).

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

  app.route("/", adminTokenRoutes(deps));
  app.route("/", adminTenantRoutes(deps));
  app.route("/", adminAuditRoutes(deps));
  return app;
}
