/**
 * What runs before every `/v2/{endpoint}/…` handler: the request is recorded (without the key),
 * then auth (`Bearer <key>` or the bare key, else 401), the endpoint (404), rate limits (429)
 * and the body (JSON, ≤ 10 MB for /run, 20 MB for /runsync; else 400).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { FakeRunpodFaults } from "./faults.ts";
import type { RateGroup, ResolvedEndpoint, ResolvedOptions } from "./options.ts";
import type { RateLimiter } from "./rate-limiter.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  endpointId: string;
  /** `run`, `runsync`, `status`, `stream`, `cancel`, `retry`, `purge-queue`, `health`, `openai`… */
  operation: string;
  jobId: string | undefined;
  query: Record<string, string>;
  /** The parsed JSON body, if any. */
  body: unknown;
  /** Which header form was used; the key itself is never kept. */
  auth: "bearer" | "raw" | "wrong" | "missing";
  /** The fake's answer. */
  status: number;
  at: number;
}

export type FakeEnv = { Variables: { body: unknown; endpoint: ResolvedEndpoint } };

const RATE_GROUPS: Record<string, RateGroup> = {
  run: "run",
  runsync: "runsync",
  status: "status",
  "status-sync": "status",
  stream: "status",
  cancel: "cancel",
  "purge-queue": "purge-queue",
  openai: "openai",
};

const MAX_BODY: Record<string, number> = { run: 10 * 1024 * 1024, runsync: 20 * 1024 * 1024 };

export interface GuardDeps {
  options: ResolvedOptions;
  faults: FakeRunpodFaults;
  limiter: RateLimiter;
  requests: RecordedRequest[];
}

function authForm(header: string | undefined, key: string): RecordedRequest["auth"] {
  if (header === undefined) return "missing";
  if (header === `Bearer ${key}`) return "bearer";
  return header === key ? "raw" : "wrong";
}

function refuse(c: Context<FakeEnv>, deps: GuardDeps, endpointId: string, operation: string, raw: string) {
  const endpoint = deps.options.endpoints.get(endpointId);
  if (!endpoint) return c.json({ error: `endpoint ${endpointId} not found` }, 404);
  const group = RATE_GROUPS[operation];
  const overLimit =
    group !== undefined && !deps.limiter.allow(`${endpointId}/${group}`, endpoint.rateLimits[group]);
  if (deps.faults.takeRateLimit(endpointId) || overLimit) return c.json({ error: "Too Many Requests" }, 429);
  if (raw.length > (MAX_BODY[operation] ?? Number.POSITIVE_INFINITY))
    return c.json({ error: "payload is larger than the limit for this operation" }, 400);
  c.set("endpoint", endpoint);
  return undefined;
}

export function requestGuard(deps: GuardDeps): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const [, , endpointId = "", operation = "", jobId] = url.pathname.split("/");
    const raw = c.req.method === "POST" ? await c.req.text() : "";
    let body: unknown;
    let badJson = false;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      badJson = true;
    }
    const record: RecordedRequest = {
      method: c.req.method,
      path: url.pathname,
      endpointId,
      operation,
      jobId: operation === "openai" ? undefined : jobId,
      query: Object.fromEntries(url.searchParams),
      body,
      auth: authForm(c.req.header("authorization"), deps.options.apiKey),
      status: 0,
      at: Date.now(),
    };
    deps.requests.push(record);
    const refusal =
      record.auth === "missing" || record.auth === "wrong"
        ? c.json({ error: "Unauthorized" }, 401)
        : (refuse(c, deps, endpointId, operation, raw) ??
          (badJson ? c.json({ error: "request body is not valid JSON" }, 400) : undefined));
    if (refusal) {
      record.status = refusal.status;
      return refusal;
    }
    c.set("body", body);
    await next();
    record.status = c.res.status;
  };
}
