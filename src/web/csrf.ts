/**
 * CSRF protection for every state-changing request: the Origin must be the dashboard's own, and the
 * session's CSRF token must come with it (the `X-CSRF-Token` header from scripts, a `csrf` field from
 * forms). SameSite=Strict on the cookie is a second line, not the only one.
 */
import { timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { GatewayError } from "../core/errors.ts";
import { isSameOrigin } from "./request-origin.ts";
import type { WebEnv } from "./web-env.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function assertSameOrigin(c: Context, publicUrl: string | undefined): void {
  if (!isSameOrigin(c, publicUrl))
    throw new GatewayError("forbidden", "This request did not come from the dashboard's own pages");
}

export function assertCsrfToken(c: Context<WebEnv>, sent: string | undefined): void {
  const expected = Buffer.from(c.get("session").csrf);
  const given = Buffer.from(sent ?? "");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new GatewayError("forbidden", "The CSRF token is missing or wrong; reload the page and try again");
}

/** For script calls: safe methods pass; others need the same Origin and the X-CSRF-Token header. */
export function requireCsrfHeader(publicUrl: string | undefined): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      assertSameOrigin(c, publicUrl);
      assertCsrfToken(c, c.req.header("x-csrf-token"));
    }
    await next();
  };
}
