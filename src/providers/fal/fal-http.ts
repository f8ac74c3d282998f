/**
 * Calls fal's queue: `Authorization: Key …` (reference B.1), JSON, errors mapped to GatewayError.
 * The key is only ever sent to the configured queue origin.
 */
import { GatewayError } from "../../core/errors.ts";
import { transportError, upstreamError } from "./upstream-error.ts";

const TIMEOUT_MS = 30_000;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT";
  json?: unknown;
  /** What gengate is doing, for error messages ("submitting a request"). */
  what: string;
}

export interface FalResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export class FalHttp {
  readonly queueUrl: string;
  readonly #key: string;

  constructor(queueUrl: string, key: string) {
    this.queueUrl = queueUrl;
    this.#key = key;
  }

  /** Answers of any status; only transport failures and URLs off the queue origin throw. */
  async send(url: string, options: RequestOptions): Promise<FalResponse> {
    if (new URL(url).origin !== new URL(this.queueUrl).origin)
      throw new GatewayError("provider_error", `fal returned a URL outside its queue: ${url}`, {
        retryable: false,
      });
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: options.method ?? "GET",
        headers: {
          authorization: `Key ${this.#key}`,
          accept: "application/json",
          ...(options.json !== undefined && { "content-type": "application/json" }),
        },
        ...(options.json !== undefined && { body: JSON.stringify(options.json) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await response.text();
    } catch (cause) {
      throw transportError(cause, options.what);
    }
    return { status: response.status, headers: response.headers, body: parseBody(text) };
  }

  /** A 2xx answer's body; any other answer throws its GatewayError. */
  async request(url: string, options: RequestOptions): Promise<FalResponse> {
    const response = await this.send(url, options);
    if (response.status < 200 || response.status > 299)
      throw upstreamError(response.status, response.headers, response.body, options.what);
    return response;
  }
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
