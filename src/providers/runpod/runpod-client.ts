/**
 * RunPod's serverless API, `{baseUrl}/{endpointId}/{operation}`, with its failures translated into
 * GatewayError. The API key goes in the Authorization header only and never into a message.
 */
import type { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import {
  mayHaveArrived,
  retryAfterHeaderMs,
  type Upstream,
  upstreamStatusError,
} from "../upstream-errors.ts";
import {
  healthSchema,
  jobSchema,
  type RunpodHealth,
  type RunpodJob,
  type RunpodStream,
  streamSchema,
} from "./job-schema.ts";

const TIMEOUT_MS = 30_000;
const DEFAULT_RETRY_AFTER_MS = 2_000;
const RUNPOD: Upstream = { name: "RunPod", keySetting: "RUNPOD_API_KEY" };

export class RunpodClient {
  readonly #baseUrl: string;
  readonly #apiKey: string;

  constructor(baseUrl: string, apiKey: string) {
    this.#baseUrl = baseUrl;
    this.#apiKey = apiKey;
  }

  /** Submits a job; the answer is `{id, status}`. */
  async run(endpointId: string, body: object, signal?: AbortSignal): Promise<RunpodJob> {
    const response = await this.request(endpointId, "run", { method: "POST", body, signal });
    if (!response.ok) throw await this.#error(response, "submitting the job");
    return this.#parse(response, jobSchema);
  }

  /** The job, or null when RunPod no longer has it (404: result expired, ttl ran out). */
  async status(endpointId: string, jobId: string, signal?: AbortSignal): Promise<RunpodJob | null> {
    const response = await this.request(endpointId, `status/${encodeURIComponent(jobId)}`, { signal });
    if (response.status === 404) return null;
    if (!response.ok) throw await this.#error(response, "reading the job status");
    return this.#parse(response, jobSchema);
  }

  /** The chunks streamed since the last call, or null when RunPod no longer has the job. */
  async stream(endpointId: string, jobId: string, signal?: AbortSignal): Promise<RunpodStream | null> {
    const response = await this.request(endpointId, `stream/${encodeURIComponent(jobId)}`, { signal });
    if (response.status === 404) return null;
    if (!response.ok) throw await this.#error(response, "reading the job stream");
    return this.#parse(response, streamSchema);
  }

  /** Re-runs a FAILED or TIMED_OUT job under the same id; false when the job is in another state or gone. */
  async retry(endpointId: string, jobId: string, signal?: AbortSignal): Promise<boolean> {
    const path = `retry/${encodeURIComponent(jobId)}`;
    const response = await this.request(endpointId, path, { method: "POST", signal });
    if (response.status === 400 || response.status === 404) {
      await response.body?.cancel();
      return false;
    }
    if (!response.ok) throw await this.#error(response, "retrying the job");
    await response.body?.cancel();
    return true;
  }

  /** Cancels a job; one RunPod no longer has needs nothing. */
  async cancel(endpointId: string, jobId: string, signal?: AbortSignal): Promise<void> {
    const path = `cancel/${encodeURIComponent(jobId)}`;
    const response = await this.request(endpointId, path, { method: "POST", signal });
    if (!response.ok && response.status !== 404) throw await this.#error(response, "canceling the job");
    await response.body?.cancel();
  }

  async health(endpointId: string, signal?: AbortSignal): Promise<RunpodHealth> {
    const response = await this.request(endpointId, "health", { signal });
    if (!response.ok) throw await this.#error(response, "reading the endpoint health");
    return this.#parse(response, healthSchema);
  }

  /** One HTTP call; only a failure to reach RunPod throws. */
  async request(
    endpointId: string,
    operation: string,
    init: { method?: string; body?: object; signal?: AbortSignal | undefined } = {},
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    try {
      return await fetch(`${this.#baseUrl}/${encodeURIComponent(endpointId)}/${operation}`, {
        method: init.method ?? "GET",
        headers: {
          authorization: `Bearer ${this.#apiKey}`,
          ...(init.body && { "content-type": "application/json" }),
        },
        ...(init.body && { body: JSON.stringify(init.body) }),
        signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      });
    } catch (error) {
      const reason = timeout.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : causeOf(error);
      throw new GatewayError("provider_unavailable", `RunPod is unreachable: ${this.redact(reason)}`, {
        cause: error,
        outcomeUnknown: mayHaveArrived(error),
      });
    }
  }

  /** Removes the API key from text that came from elsewhere. */
  readonly redact = (text: string): string => text.split(this.#apiKey).join("[redacted]");

  async #parse<T extends z.ZodType>(response: Response, schema: T): Promise<z.infer<T>> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new GatewayError("provider_unavailable", `RunPod's answer was cut off: ${causeOf(error)}`, {
        cause: error,
        outcomeUnknown: true,
      });
    }
    const parsed = schema.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new GatewayError(
      "provider_error",
      `RunPod answered an unexpected body: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
      { retryable: false },
    );
  }

  async #error(response: Response, doing: string): Promise<GatewayError> {
    const detail = this.redact(await upstreamMessage(response));
    const said = `RunPod answered HTTP ${response.status} ${doing}${detail ? `: ${detail}` : ""}`;
    const options = { providerDetail: detail || `HTTP ${response.status}`, retryable: false };
    // What is RunPod's own: a 400 is the worker's verdict on the input, a 404 an endpoint id it does not have.
    if (response.status === 400) return new GatewayError("invalid_input", said, options);
    if (response.status === 404)
      return new GatewayError("provider_error", `${said} (check the endpoint id)`, options);
    return upstreamStatusError(RUNPOD, {
      status: response.status,
      detail,
      what: doing,
      retryAfterMs: retryAfterHeaderMs(response.headers) ?? DEFAULT_RETRY_AFTER_MS,
    });
  }
}

async function upstreamMessage(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).slice(0, 2_000);
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === "string") return body.error;
  } catch {
    // not JSON: the text itself
  }
  return text.trim().slice(0, 300);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
