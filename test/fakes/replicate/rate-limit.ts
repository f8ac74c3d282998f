/**
 * Per-token token buckets: prediction creates have their own budget, every other endpoint shares
 * another (reference/replicate.md §6.2). Every answer carries `ratelimit-remaining` and
 * `ratelimit-reset`; a throttled request does nothing and gets a 429 with `Retry-After`. Replicate
 * may lower an account's create limit (it does while credit is low): creates are then held to the
 * lowered limit, and its 429s say it, as Replicate's do (§6.1).
 */
import type { MiddlewareHandler } from "hono";
import type { FakeEnv } from "./context.ts";
import type { ResolvedOptions } from "./options.ts";
import { ApiProblem } from "./problem.ts";
import type { CreateLimit } from "./types.ts";

type Budget = "creates" | "requests";

interface Taken {
  allowed: boolean;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until one request is allowed again. */
  retryAfterSeconds: number;
}

class TokenBucket {
  #tokens: number;
  #updatedAt = Date.now();
  readonly #perMs: number;
  readonly #size: number;

  constructor(perMinute: number, size: number) {
    this.#perMs = perMinute / 60_000;
    this.#size = size;
    this.#tokens = size;
  }

  take(): Taken {
    const now = Date.now();
    this.#tokens = Math.min(this.#size, this.#tokens + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
    const allowed = this.#tokens >= 1;
    if (allowed) this.#tokens -= 1;
    const seconds = (tokens: number) => Math.max(1, Math.ceil(tokens / this.#perMs / 1000));
    return {
      allowed,
      remaining: Math.floor(this.#tokens),
      resetSeconds: seconds(this.#size - this.#tokens),
      retryAfterSeconds: seconds(1 - this.#tokens),
    };
  }
}

export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #options: ResolvedOptions;
  #lowered: CreateLimit | null;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#lowered = options.loweredCreates;
  }

  /** The create limit Replicate lowered the account to (null: the usual one). */
  get lowered(): CreateLimit | null {
    return this.#lowered;
  }

  lower(limit: CreateLimit | null): void {
    this.#lowered = limit;
    for (const key of this.#buckets.keys()) if (key.startsWith("creates:")) this.#buckets.delete(key);
  }

  take(token: string, budget: Budget): Taken {
    const key = `${budget}:${token}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      const options = this.#options;
      const creates = this.#lowered ?? { perMinute: options.createsPerMinute, burst: options.createsBurst };
      bucket =
        budget === "creates"
          ? new TokenBucket(creates.perMinute, creates.burst)
          : new TokenBucket(options.requestsPerMinute, options.requestsBurst);
      this.#buckets.set(key, bucket);
    }
    return bucket.take();
  }

  clear(): void {
    this.#buckets.clear();
  }
}

/** What a 429 says: Replicate's usual words, or those it uses for a lowered limit. */
function throttledDetail(seconds: number, lowered: CreateLimit | null): string {
  if (!lowered)
    return `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  return (
    `Request was throttled. Your rate limit for creating predictions is reduced to ${lowered.perMinute} ` +
    `requests per minute with a burst of ${lowered.burst} requests. Your rate limit resets in ~${seconds}s.`
  );
}

const CREATE_PATHS = [/^\/v1\/predictions$/, /^\/v1\/(models|deployments)\/[^/]+\/[^/]+\/predictions$/];

export function rateLimit(limiter: RateLimiter, token: string): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    const isCreate = c.req.method === "POST" && CREATE_PATHS.some((path) => path.test(c.req.path));
    const taken = limiter.take(token, isCreate ? "creates" : "requests");
    const headers = {
      "ratelimit-remaining": String(taken.remaining),
      "ratelimit-reset": String(taken.resetSeconds),
    };
    if (!taken.allowed) {
      const seconds = taken.retryAfterSeconds;
      const lowered = isCreate ? limiter.lowered : null;
      throw new ApiProblem(
        429,
        { detail: throttledDetail(seconds, lowered), ...(lowered && { retry_after: seconds }) },
        { ...headers, "Retry-After": String(seconds) },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
