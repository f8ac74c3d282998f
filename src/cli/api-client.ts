/** A small client for the HTTP API of a running gengate. */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../api-client/openapi-types.ts";
import { CliError } from "./cli-error.ts";

interface Problem {
  detail?: string;
  title?: string;
  /** OpenAI's error shape, from /openai/v1. */
  error?: { message?: string };
  invalid_fields?: { field?: string; description?: string }[];
}

/** The server answered with an error status (as opposed to not answering at all). */
export class HttpError extends CliError {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface SendOptions {
  /** Sent as JSON, or as multipart/form-data when it is a FormData. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A page of a list, as the API answers it. */
export interface Page<T> {
  results: T[];
  next: string | null;
}

/** What an `api` call resolved to; its error statuses were already thrown as `HttpError`s. */
export async function answer<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}

export class ApiClient {
  readonly baseUrl: string;
  /**
   * Typed by gengate's OpenAPI document (src/api-client/openapi-types.ts): a path, parameter or field that
   * drifts from the API fails the type check. Error answers throw `HttpError`; read results with `answer`.
   */
  readonly api: Client<paths>;
  readonly #token: string;
  #onAccepted: (() => void) | undefined;

  /** `onAccepted` runs once, after the server first answers a request with success. */
  constructor(baseUrl: string, token: string, onAccepted?: () => void) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#token = token;
    this.#onAccepted = onAccepted;
    this.api = createClient<paths>({ baseUrl: this.baseUrl, fetch: (request) => this.#exchange(request) });
  }

  /** The items of `first` and of the pages its `next` links lead to, at most `limit`. */
  async collect<T>(first: Page<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    const items = [...first.results];
    for (let next = first.next; next !== null && items.length < limit; ) {
      const page = await this.request<Page<T>>("GET", next);
      items.push(...page.results);
      next = page.next;
    }
    return items.slice(0, limit);
  }

  /** `pathOrUrl` is a path under the base URL (`/v1/...`) or an absolute URL the server gave. */
  async request<T>(method: Method, pathOrUrl: string, body?: unknown): Promise<T> {
    return (await (await this.send(method, pathOrUrl, { body })).json()) as T;
  }

  /** Like `request`, for when the status, a header or a stream of the answer matters. */
  async send(method: Method, pathOrUrl: string, options: SendOptions = {}): Promise<Response> {
    const { body } = options;
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const headers: Record<string, string> = { ...options.headers };
    const init: RequestInit = { method, headers };
    if (body instanceof FormData) {
      // fetch writes the multipart content type itself, with its boundary. Refusing redirects spares it
      // keeping the whole body in memory to send again (nodejs/undici#4058): files stream from disk.
      init.body = body;
      init.redirect = "error";
    } else if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return this.#exchange(new Request(url, init));
  }

  /** Fetches an output file; output URLs are public, so the token is not sent with them. */
  async download(url: string): Promise<Response> {
    const response = await this.#fetch(url, {});
    if (!response.ok || !response.body) throw new CliError(`cannot download ${url}: HTTP ${response.status}`);
    return response;
  }

  /** Sends an API request with the token; an error status throws, the first success runs `onAccepted`. */
  async #exchange(request: Request): Promise<Response> {
    request.headers.set("authorization", `Bearer ${this.#token}`);
    const response = await this.#fetch(request);
    if (!response.ok) throw new HttpError(await describeFailure(response), response.status);
    const onAccepted = this.#onAccepted;
    this.#onAccepted = undefined;
    onAccepted?.();
    return response;
  }

  async #fetch(url: string | Request, init?: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(
        `cannot reach gengate at ${this.baseUrl} (${cause}); is it running? Set the URL with --url or GENGATE_URL`,
      );
    }
  }
}

async function describeFailure(response: Response): Promise<string> {
  const text = await response.text();
  let problem: Problem = {};
  try {
    problem = JSON.parse(text) as Problem;
  } catch {
    // not problem+json: the status line says enough
  }
  const detail =
    problem.detail ?? problem.title ?? problem.error?.message ?? (text.trim() || response.statusText);
  const fields = problem.invalid_fields ?? [];
  if (fields.length === 0) return `${detail} (HTTP ${response.status})`;
  // The detail repeats the fields after its first line; list them once, from the structured form.
  const lines = fields.map((f) => `  - ${f.field ?? "?"}: ${f.description ?? "invalid"}`);
  return [`${detail.split("\n")[0]} (HTTP ${response.status})`, ...lines].join("\n");
}
