/**
 * The web dashboard, served at `/`: server-rendered pages (hono/html) with small ES modules, a
 * client of the public API only. Its scripts reach the API through `/ui/api/*` with the session.
 */
import { Hono } from "hono";
import { adminRoutes } from "./admin-routes.ts";
import { apiProxy, UI_API } from "./api-proxy.ts";
import { assetRoutes } from "./asset-routes.ts";
import { requireCsrfHeader } from "./csrf.ts";
import { pageRoutes } from "./page-routes.ts";
import { requireSession } from "./require-session.ts";
import { securityHeaders } from "./security-headers.ts";
import { SessionSealer } from "./session.ts";
import { signInRoutes } from "./sign-in-routes.ts";
import type { WebDeps, WebEnv } from "./web-env.ts";

export type { WebDeps } from "./web-env.ts";

export function webApp(deps: WebDeps): Hono<WebEnv> {
  const sealer = new SessionSealer(deps.keyStore);
  const app = new Hono<WebEnv>();

  app.route("/", assetRoutes());
  app.use(`${UI_API}/*`, requireSession(sealer, "401"), requireCsrfHeader(deps.publicUrl));
  app.all(`${UI_API}/*`, apiProxy(deps.api));

  // Registered per route: middleware `use`d without a path here would run for the whole API.
  const headers = securityHeaders(deps.publicUrl, deps.fileOrigin);
  app.route("/", signInRoutes(deps, sealer, headers));
  app.route("/", pageRoutes(deps, sealer, headers));
  app.route("/", adminRoutes(sealer, headers));
  return app;
}
