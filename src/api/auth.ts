/** Bearer-token authentication; tokens are looked up by their hash. */
import type { MiddlewareHandler } from "hono";
import { hashApiToken } from "../core/api-tokens.ts";
import { GatewayError } from "../core/errors.ts";
import type { ApiToken, Store } from "../store/index.ts";

const TOUCH_EVERY_MS = 60_000;

export type AuthVariables = { token: ApiToken };

export function requireToken(store: Store): MiddlewareHandler<{ Variables: AuthVariables }> {
  const touchedAt = new Map<string, number>();
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new GatewayError("unauthenticated", "You did not pass an authentication token");
    const token = await store.tokens.findByHash(hashApiToken(match[1]));
    if (!token) throw new GatewayError("unauthenticated", "You did not pass a valid authentication token");
    const now = Date.now();
    if (now - (touchedAt.get(token.id) ?? 0) > TOUCH_EVERY_MS) {
      touchedAt.set(token.id, now);
      await store.tokens.touch(token.id, now);
    }
    c.set("token", token);
    await next();
  };
}

/** Admin tokens see everything; other tokens only their own predictions and files. */
export function ownerScope(token: ApiToken): string | undefined {
  return token.isAdmin ? undefined : token.id;
}
