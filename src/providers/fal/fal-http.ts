/**
 * Calls fal's queue through the provider toolkit: `Authorization: Key …` (reference B.1), JSON,
 * fal's errors (upstream-error.ts). The key is only ever sent to the configured queue origin.
 */
import { UpstreamHttp } from "../toolkit/http.ts";
import { FAL, upstreamError } from "./upstream-error.ts";

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT";
  json?: unknown;
  /** What gengate is doing, for error messages ("submitting a request"). */
  what: string;
  /** This call starts paid work (see the toolkit's CallOptions.start). */
  start?: boolean;
}

export interface FalResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export class FalHttp {
  readonly queueUrl: string;
  readonly #http: UpstreamHttp;

  constructor(queueUrl: string, key: string, fetchImpl?: typeof fetch) {
    this.queueUrl = queueUrl;
    this.#http = new UpstreamHttp({
      upstream: FAL,
      baseUrl: queueUrl,
      baseName: "queue",
      credentials: { authorization: `Key ${key}` },
      secrets: [key],
      ...(fetchImpl && { fetch: fetchImpl }),
    });
  }

  /**
   * Answers of any status, with the key removed from what fal said (it may echo it); only
   * transport failures and URLs off the queue origin throw.
   */
  async send(url: string, options: RequestOptions): Promise<FalResponse> {
    const { status, headers, text } = await this.#http.send(url, options);
    return { status, headers, body: parseBody(this.#http.redact(text)) };
  }

  /** A 2xx answer's body; any other answer throws its GatewayError. */
  async request(url: string, options: RequestOptions): Promise<FalResponse> {
    const response = await this.send(url, options);
    if (response.status < 200 || response.status > 299)
      throw upstreamError(response.status, response.headers, response.body, options.what);
    return response;
  }
}

/** fal answers JSON, but a proxy in front of it may not: then the text is what it said. */
function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
