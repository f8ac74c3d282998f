/**
 * Calls Replicate's HTTP API through the provider toolkit: bearer auth for Replicate's own hosts,
 * JSON, Replicate's error answers (upstream-error.ts), and every request but creates paced by the
 * account's request budget (creates are paced by the engine).
 */
import type { RateBucket, UpstreamBudget } from "../../core/rate-limiter.ts";
import { UpstreamHttp } from "../toolkit/http.ts";
import { REPLICATE, upstreamError } from "./upstream-error.ts";

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
  readonly #http: UpstreamHttp;

  constructor(baseUrl: string, token: string, budget: RateBucket, fetchImpl?: typeof fetch) {
    this.baseUrl = baseUrl;
    this.#http = new UpstreamHttp({
      upstream: REPLICATE,
      baseUrl,
      credentials: { authorization: `Bearer ${token}` },
      trusts: (host) => host.endsWith(".replicate.com"),
      secrets: [token],
      budget,
      readError: ({ status, headers, text }, what) => upstreamError(status, headers, text, what),
      ...(fetchImpl && { fetch: fetchImpl }),
    });
  }

  /** The bearer header, only for Replicate's own hosts (never for other hosts, e.g. output files). */
  authFor(url: string): Record<string, string> {
    return this.#http.credentialsFor(url);
  }

  /** `path` is relative to the API base, or an absolute URL on the API's origin (pagination links). */
  async request(path: string, { create, ...options }: RequestOptions): Promise<ApiResponse> {
    const answer = await this.#http.request(path, { ...options, ...(create && { start: true }) });
    return {
      headers: answer.headers,
      body: this.#http.parseJson(answer.text, options.what),
      ...(answer.budget && { budget: answer.budget }),
    };
  }
}
