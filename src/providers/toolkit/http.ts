/**
 * The HTTP client every provider calls its upstream with: one base URL whose origin alone gets
 * gengate's credentials, a timeout, JSON or form bodies, transport failures and non-2xx answers
 * as GatewayErrors (toolkit/upstream-errors.ts), and requests other than starts paced by a rate
 * bucket of the engine's limiter (starts are paced by the engine itself). Calls go through
 * transport.ts; a `fetch` of one's own can be given instead, for tests and for runtimes with
 * their own.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { GatewayError } from "../../core/errors.ts";
import type { RateBucket, UpstreamBudget } from "../../core/rate-limiter.ts";
import { DEFAULT_RETRY_AFTER_MS, retryAfterMs, upstreamBudgetOf } from "./rate-limit-headers.ts";
import { type Exchange, exchange, fetchExchange } from "./transport.ts";
import { mayHaveArrived, type Upstream, upstreamStatusError } from "./upstream-errors.ts";

const DEFAULT_TIMEOUT_MS = 30_000;
/** A request that would wait longer than this for its budget is refused, to be retried later. */
const MAX_BUDGET_WAIT_MS = 10_000;

export interface UpstreamHttpOptions {
  upstream: Upstream;
  /** Paths are relative to it; absolute URLs must share its origin. */
  baseUrl: string;
  /** What the base URL is, in messages about URLs off its origin (default "API", e.g. "queue"). */
  baseName?: string;
  /** Sent only to hosts `trusts` accepts (authorization and the like). */
  credentials: Record<string, string>;
  /** Hosts that get the credentials besides the base URL's (e.g. a CDN of the same upstream). */
  trusts?: (host: string) => boolean;
  /** Secrets to remove from anything the upstream or the network said, before it is shown. */
  secrets?: readonly string[];
  /** Paces requests other than starts; absent, only the engine paces (starts). */
  budget?: RateBucket;
  /** The upstream's own reading of its error answers (invalid fields, its own statuses), before the shared table. */
  readError?: ErrorReader;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CallOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  /** What gengate is doing, for messages ("submitting the job"). */
  what: string;
  /**
   * This call starts paid work: the engine paced it, and when its answer is lost it may have
   * started anyway (the error says `outcomeUnknown`).
   */
  start?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body as text ("" when empty). */
  text: string;
  /** What the answer said is left of the rate budget, if it said. */
  budget?: UpstreamBudget;
}

/** Turns a non-2xx answer into the upstream's own error; the shared table when it returns nothing. */
export type ErrorReader = (answer: HttpAnswer, what: string) => GatewayError | undefined;

export class UpstreamHttp {
  readonly baseUrl: string;
  readonly upstream: Upstream;
  readonly #options: UpstreamHttpOptions;
  readonly #fetch: typeof fetch;
  readonly #exchange: Exchange;

  constructor(options: UpstreamHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.upstream = options.upstream;
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#exchange = options.fetch ? fetchExchange(options.fetch) : exchange;
  }

  /** `path` on the base URL, or an absolute URL on its origin (links the upstream returned). */
  url(path: string): string {
    const url = /^https?:/.test(path) ? path : `${this.baseUrl}${path.startsWith("/") ? "" : "/"}${path}`;
    if (new URL(url).origin !== new URL(this.baseUrl).origin)
      throw new GatewayError(
        "provider_error",
        `${this.upstream.name} returned a URL outside its ${this.#options.baseName ?? "API"}: ${url}`,
        {
          retryable: false,
        },
      );
    return url;
  }

  /** The credentials, for the upstream's own hosts only (never e.g. for an output file elsewhere). */
  credentialsFor(url: string): Record<string, string> {
    const host = new URL(url).hostname;
    const trusted = host === new URL(this.baseUrl).hostname || this.#options.trusts?.(host) === true;
    return trusted ? this.#options.credentials : {};
  }

  /** Removes gengate's secrets from text that came from elsewhere. */
  readonly redact = (text: string): string =>
    (this.#options.secrets ?? []).reduce((said, secret) => said.split(secret).join("[redacted]"), text);

  /** One call; answers of any status. Only a failure to get an answer (or to pace it) throws. */
  async send(path: string, options: CallOptions): Promise<HttpAnswer> {
    const url = this.url(path);
    const { budget } = this.#options;
    if (budget && !options.start) await this.#pace(budget, options.what);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const sentAt = Date.now();
    let answer: HttpAnswer;
    try {
      answer = await this.#exchange(url, {
        method: options.method ?? "GET",
        headers: {
          accept: "application/json",
          "user-agent": "gengate",
          ...(options.json !== undefined && { "content-type": "application/json" }),
          ...this.credentialsFor(url),
          ...options.headers,
        },
        ...(options.json !== undefined && { body: JSON.stringify(options.json) }),
        ...(options.form && { body: options.form }),
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
    } catch (cause) {
      throw transportError(this.upstream.name, cause, options.what, this.redact);
    }
    const observed = upstreamBudgetOf(answer.headers, sentAt);
    if (observed) answer.budget = observed;
    if (budget && !options.start) await this.#learn(budget, answer, options.what);
    return answer;
  }

  /**
   * A POST whose 2xx answer is read as it comes (an event stream): the timeout and the signal
   * cover the wait for its status only, not its body. Any other status throws its GatewayError.
   */
  async stream(
    path: string,
    options: CallOptions,
  ): Promise<{ body: ReadableStream<Uint8Array>; budget?: UpstreamBudget }> {
    const url = this.url(path);
    const waiting = new AbortController();
    const giveUp = () => waiting.abort(new DOMException("no answer in time", "TimeoutError"));
    const timer = setTimeout(giveUp, options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    options.signal?.addEventListener("abort", giveUp);
    const sentAt = Date.now();
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: "POST",
        headers: {
          accept: "text/event-stream",
          "user-agent": "gengate",
          "content-type": "application/json",
          ...this.credentialsFor(url),
          ...options.headers,
        },
        body: JSON.stringify(options.json),
        signal: waiting.signal,
      });
    } catch (cause) {
      throw transportError(this.upstream.name, cause, options.what, this.redact);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", giveUp);
    }
    if (!response.ok || !response.body)
      throw this.errorOf(
        { status: response.status, headers: response.headers, text: await response.text() },
        options.what,
      );
    const budget = upstreamBudgetOf(response.headers, sentAt);
    return { body: response.body, ...(budget && { budget }) };
  }

  /** A 2xx answer; any other throws its GatewayError (see `errorOf`). */
  async request(path: string, options: CallOptions): Promise<HttpAnswer> {
    const answer = await this.send(path, options);
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw this.errorOf(answer, options.what);
  }

  /** A 2xx answer's JSON body (null when empty). */
  async json(path: string, options: CallOptions): Promise<unknown> {
    return this.parseJson((await this.request(path, options)).text, options.what);
  }

  parseJson(text: string, what: string): unknown {
    if (text === "") return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new GatewayError(
        "provider_error",
        `${this.upstream.name} answered with something other than JSON while ${what}`,
      );
    }
  }

  /** A non-2xx answer as the upstream's own error, else as the shared table's. */
  errorOf(answer: HttpAnswer, what: string): GatewayError {
    // An upstream may echo what it was sent, gengate's key included.
    const said = { ...answer, text: this.redact(answer.text) };
    return this.#options.readError?.(said, what) ?? this.#statusError(said, what);
  }

  /** The shared status → error table's answer, with what the upstream said (`detail`, redacted) and when to retry. */
  #statusError(answer: HttpAnswer, what: string): GatewayError {
    const detail = plainDetail(answer.text);
    return upstreamStatusError(this.upstream, {
      status: answer.status,
      detail,
      what,
      retryAfterMs: retryAfterMs(answer.headers, { text: detail }, this.upstream.defaultRetryAfterMs),
    });
  }

  /** Waits for a token of the budget; refuses when that would take too long. */
  async #pace(budget: RateBucket, what: string): Promise<void> {
    for (let waited = 0; ; ) {
      const { taken, waitMs } = await budget.take(1);
      if (taken === 1) return;
      if (waited + waitMs > MAX_BUDGET_WAIT_MS)
        throw new GatewayError(
          "rate_limited",
          `gengate is pacing requests to ${this.upstream.name} (${what})`,
          {
            retryAfterMs: waitMs,
          },
        );
      await sleep(waitMs);
      waited += waitMs;
    }
  }

  /** What a paced answer teaches the budget: a 429's pause, or what is left. */
  async #learn(budget: RateBucket, answer: HttpAnswer, what: string): Promise<void> {
    if (answer.status === 429) {
      const error = this.errorOf(answer, what);
      await budget.throttled(error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS, error.statedLimit);
    } else if (answer.budget) await budget.observe(answer.budget);
  }
}

/** The text of an answer that is not JSON, or its `detail`/`error`/`message` when it is (OpenAI's `error.message` too). */
export function plainDetail(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    for (const key of ["detail", "error", "message", "title"])
      if (typeof body?.[key] === "string") return body[key] as string;
    const nested = (body?.error as { message?: unknown } | null | undefined)?.message;
    if (typeof nested === "string") return nested;
  } catch {
    // not JSON: the text itself
  }
  return text.trim().slice(0, 300);
}

/**
 * A call to `upstream` that got no answer: a timeout, or the upstream unreachable; either may
 * have reached it (`outcomeUnknown`) unless no connection was ever made.
 */
export function transportError(
  upstream: string,
  cause: unknown,
  what: string,
  redact: (text: string) => string = (text) => text,
): GatewayError {
  const timedOut = cause instanceof Error && cause.name === "TimeoutError";
  const reason = timedOut ? "no answer in time" : redact(causeOf(cause));
  return new GatewayError(
    timedOut ? "timeout" : "provider_unavailable",
    `${upstream}: ${reason} while ${what}`,
    {
      cause,
      outcomeUnknown: mayHaveArrived(cause),
    },
  );
}

/** `fetch` wraps what went wrong in its `cause`; undici's own calls throw it as it is. */
function causeOf(error: unknown): string {
  const { code, cause } = error as { code?: string; cause?: { code?: string; message?: string } };
  return cause?.code ?? cause?.message ?? code ?? (error instanceof Error ? error.message : String(error));
}
