/**
 * Bearer-token authentication (tokens are looked up by their hash), then what the token and its
 * tenant allow of this request: not expired, from an allowed address, with the route's scope,
 * within each one's requests per minute (kept across processes by the engine's rate limiter).
 */
import { isIP } from "node:net";
import type { MiddlewareHandler } from "hono";
import { hashApiToken } from "../core/api-tokens.ts";
import { GatewayError, type RefusingLimit } from "../core/errors.ts";
import { blockListOf } from "../core/ip-ranges.ts";
import type { RateLimiter } from "../core/rate-limiter.ts";
import { ownersOf } from "../engine/admissions.ts";
import type { LimitedOwner } from "../store/budgets-repo.ts";
import type { ApiToken, Store } from "../store/index.ts";
import { clientAddress } from "./client-address.ts";
import { scopeOf } from "./route-scopes.ts";

const TOUCH_EVERY_MS = 60_000;

export type AuthVariables = { token: ApiToken };

export function requireToken(
  store: Store,
  limiter: RateLimiter,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const touchedAt = new Map<string, number>();
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new GatewayError("unauthenticated", "You did not pass an authentication token");
    const token = await store.tokens.authenticate(hashApiToken(match[1]));
    if (!token) throw new GatewayError("unauthenticated", "You did not pass a valid authentication token");
    const owners = ownersOf(token);
    const now = Date.now();
    for (const owner of owners) checkExpiry(owner, now);
    const address = clientAddress(c);
    for (const owner of owners) checkAddress(owner, address);
    checkScope(token, c.req.method, c.req.path.replace(/^\/(openai\/)?v1(?=\/)/, ""));
    for (const owner of owners) await takeRequest(limiter, owner);
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

const refusal = (limit: RefusingLimit["limit"], owner: LimitedOwner): RefusingLimit => ({
  limit,
  scope: owner.scope,
  id: owner.id,
  name: owner.name,
});

function checkExpiry(owner: LimitedOwner, now: number): void {
  const expiresAt = owner.limits.expiresAt;
  if (expiresAt === undefined || now < expiresAt) return;
  throw new GatewayError(
    "unauthenticated",
    `${owner.scope} ${owner.name} expired at ${new Date(expiresAt).toISOString()}`,
    { refusedBy: refusal("expiry", owner) },
  );
}

function checkAddress(owner: LimitedOwner, address: string | undefined): void {
  const ranges = owner.limits.ipRanges;
  if (ranges === undefined) return;
  if (address === undefined || !blockListOf(ranges).check(...addressOf(address))) {
    throw new GatewayError(
      "forbidden",
      `${owner.scope} ${owner.name} may not be used from ${address ?? "an unknown address"}`,
      { refusedBy: refusal("ip_ranges", owner) },
    );
  }
}

/** An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`, how dual-stack sockets report it) as IPv4. */
function addressOf(address: string): [string, "ipv4" | "ipv6"] {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  return [plain, isIP(plain) === 6 ? "ipv6" : "ipv4"];
}

function checkScope(token: ApiToken, method: string, path: string): void {
  const scope = scopeOf(method, path);
  if (scope === null || token.scopes.includes(scope)) return;
  throw new GatewayError("forbidden", `token ${token.name} lacks the ${scope} scope this route needs`, {
    refusedBy: { limit: "scope", scope: "token", id: token.id, name: token.name },
  });
}

async function takeRequest(limiter: RateLimiter, owner: LimitedOwner): Promise<void> {
  const perMinute = owner.limits.requestsPerMinute;
  if (perMinute === undefined) return;
  const bucket = limiter.bucket(`requests:${owner.scope}:${owner.id}:${perMinute}`, perMinute, perMinute);
  const { taken, waitMs } = await bucket.take(1);
  if (taken === 1) return;
  throw new GatewayError(
    "rate_limited",
    `${owner.scope} ${owner.name} may make ${perMinute} requests a minute; try again in ${Math.ceil(waitMs / 1000)} s`,
    { retryAfterMs: Math.max(1_000, waitMs), refusedBy: refusal("requests_per_minute", owner) },
  );
}
