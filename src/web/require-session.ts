/** Opens the session cookie; without a valid session a page goes to sign-in and an API call is a 401. */
import type { Context, MiddlewareHandler } from "hono";
import { GatewayError } from "../core/errors.ts";
import type { SessionSealer } from "./session.ts";
import { clearSessionCookie, readSessionCookie } from "./session-cookie.ts";
import type { WebEnv } from "./web-env.ts";

/** The sign-in page, coming back to `next` (a path of this site) afterwards. */
export function signInPath(next: string): string {
  return `/sign-in?next=${encodeURIComponent(next)}`;
}

const HERE = "http://here.invalid";

/** `value` as a path on this site (never another origin, however written), else the playground. */
export function localPath(value: string | undefined): string {
  if (!value?.startsWith("/")) return "/playground";
  const url = new URL(value, HERE);
  return url.origin === HERE ? `${url.pathname}${url.search}${url.hash}` : "/playground";
}

export function requireSession(
  sealer: SessionSealer,
  whenMissing: "sign-in" | "401",
): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const session = await sealer.open(readSessionCookie(c));
    if (!session) {
      if (readSessionCookie(c) !== undefined) clearSessionCookie(c);
      if (whenMissing === "401")
        throw new GatewayError("unauthenticated", "Your session has ended; sign in again");
      return c.redirect(signInPath(pathWithQuery(c)), 303);
    }
    c.set("session", session);
    await next();
  };
}

function pathWithQuery(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
}
