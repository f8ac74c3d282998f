/**
 * Calls Replicate's HTTP API: bearer auth, JSON, errors mapped to GatewayError, and every request
 * but creates paced by the account's request budget (creates are paced by the engine).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { GatewayError } from "../../core/errors.ts";
import type { RateBucket, UpstreamBudget } from "../../core/rate-limiter.ts";
import { mayHaveArrived } from "../upstream-errors.ts";
import { upstreamBudgetOf, upstreamError } from "./upstream-error.ts";

const DEFAULT_TIMEOUT_MS = 30_000;
/** A request that would wait longer than this for the budget is refused, to be retried later. */
const MAX_BUDGET_WAIT_MS = 10_000;

export interface RequestOptions {
  method?: "GET" | "POST";
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  /** Creates are paced by the engine, and a lost answer to one is ambiguous. */
  create?: boolean;
  timeoutMs?: number;
  /** What gengate is doing, for error messages ("creating a prediction"). */
  what: string;
}

export interface ApiResponse {
  headers: Headers;
  body: unknown;
  /** What the answer said is left of the account's budget, if it said. */
  budget?: UpstreamBudget;
}

export class ReplicateHttp {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #budget: RateBucket;

  constructor(baseUrl: string, token: string, budget: RateBucket) {
    this.baseUrl = baseUrl;
    this.#token = token;
    this.#budget = budget;
  }

  /** The bearer header, only for Replicate's own hosts (never for other hosts, e.g. output files). */
  authFor(url: string): Record<string, string> {
    const host = new URL(url).hostname;
    const trusted = host === new URL(this.baseUrl).hostname || host.endsWith(".replicate.com");
    return trusted ? { authorization: `Bearer ${this.#token}` } : {};
  }

  /** `path` is relative to the API base, or an absolute URL on the API's origin (pagination links). */
  async request(path: string, options: RequestOptions): Promise<ApiResponse> {
    const url = /^https?:/.test(path) ? path : `${this.baseUrl}${path}`;
    if (new URL(url).origin !== new URL(this.baseUrl).origin) {
      throw new GatewayError("provider_error", `Replicate returned a link outside its API: ${url}`);
    }
    if (!options.create) await this.#pace(options.what);
    const headers: Record<string, string> = {
      ...this.authFor(url),
      accept: "application/json",
      "user-agent": "gengate",
      ...(options.json !== undefined && { "content-type": "application/json" }),
      ...options.headers,
    };
    const sentAt = Date.now();
    let response: Response;
    try {
      response = await fetch(url, {
        method: options.method ?? "GET",
        headers,
        ...(options.json !== undefined && { body: JSON.stringify(options.json) }),
        ...(options.form && { body: options.form }),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (cause) {
      throw transportError(cause, options);
    }
    const text = await response.text().catch((cause: unknown) => {
      throw transportError(cause, options);
    });
    if (!response.ok) {
      const error = upstreamError(response.status, response.headers, text, options.what);
      if (error.code === "rate_limited" && !options.create)
        await this.#budget.throttled(error.retryAfterMs ?? 1_000, error.statedLimit);
      throw error;
    }
    const budget = upstreamBudgetOf(response.headers, sentAt);
    if (budget && !options.create) await this.#budget.observe(budget);
    return {
      headers: response.headers,
      body: text === "" ? null : parseJson(text, options.what),
      ...(budget && { budget }),
    };
  }

  /** Waits for a token of the budget; refuses when that would take too long. */
  async #pace(what: string): Promise<void> {
    for (let waited = 0; ; ) {
      const { taken, waitMs } = await this.#budget.take(1);
      if (taken === 1) return;
      if (waited + waitMs > MAX_BUDGET_WAIT_MS) {
        throw new GatewayError("rate_limited", `gengate is pacing requests to Replicate (${what})`, {
          retryAfterMs: waitMs,
        });
      }
      await sleep(waitMs);
      waited += waitMs;
    }
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError("provider_error", `Replicate answered with something other than JSON (${what})`);
  }
}

function transportError(cause: unknown, options: RequestOptions): GatewayError {
  const timedOut = cause instanceof Error && cause.name === "TimeoutError";
  const reason = timedOut ? "no answer in time" : cause instanceof Error ? cause.message : String(cause);
  if (options.create) {
    // The create may have reached Replicate: retryable, and the engine looks it up (find) first.
    return new GatewayError(
      "provider_error",
      `lost the answer from Replicate while ${options.what}: ${reason}`,
      {
        cause,
        outcomeUnknown: mayHaveArrived(cause),
      },
    );
  }
  return new GatewayError(
    timedOut ? "timeout" : "provider_error",
    `Replicate: ${reason} while ${options.what}`,
    {
      cause,
    },
  );
}
