/**
 * Replicate's deployments, collections and hardware, passed through to the provider that has a
 * platform (Replicate) when one is configured; otherwise a 404 that says so (never a 5xx, which
 * clients retry).
 */
import { type Context, Hono } from "hono";
import { GatewayError } from "../../core/errors.ts";
import type { PlatformPage, ProviderPlatform } from "../../providers/platform.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { baseUrlOf } from "../base-url.ts";

export function platformRoutes({ engine, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  const platformFor = (c: Context<ApiEnv>, what: string): ProviderPlatform => {
    const platform = engine.models.platform();
    if (platform) return platform;
    throw new GatewayError(
      "not_found",
      `${c.req.method} ${c.req.path}: ${what} are Replicate's, which gengate passes through, but Replicate is not configured (set REPLICATE_API_TOKEN)`,
      { retryable: false },
    );
  };

  /** The platform's page with links to the same list on gengate. */
  const pageJson = (c: Context<ApiEnv>, page: PlatformPage) => {
    const link = (cursor: string | null) => {
      if (cursor === null) return null;
      const url = new URL(`${baseUrlOf(c, config.publicUrl)}${c.req.path}`);
      url.searchParams.set("cursor", cursor);
      return url.toString();
    };
    return { next: link(page.nextCursor), previous: link(page.previousCursor), results: page.results };
  };

  app.get("/deployments", async (c) =>
    c.json(pageJson(c, await platformFor(c, "deployments").deployments(c.req.query("cursor")))),
  );

  app.get("/deployments/:owner/:name", async (c) =>
    c.json(await platformFor(c, "deployments").deployment(c.req.param("owner"), c.req.param("name"))),
  );

  app.get("/collections", async (c) =>
    c.json(pageJson(c, await platformFor(c, "collections").collections(c.req.query("cursor")))),
  );

  app.get("/collections/:slug", async (c) =>
    c.json(await platformFor(c, "collections").collection(c.req.param("slug"))),
  );

  app.get("/hardware", async (c) => c.json(await platformFor(c, "hardware SKUs").hardware()));

  return app;
}
