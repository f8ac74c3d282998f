/**
 * RunPod's serverless API, `{baseUrl}/{endpointId}/{operation}`, through the provider toolkit:
 * failures as GatewayError, the API key in the Authorization header only and never in a message.
 */
import type { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { jsonOrUndefined, parseAnswer } from "../toolkit/answer.ts";
import { type CallOptions, type HttpAnswer, plainDetail, UpstreamHttp } from "../toolkit/http.ts";
import type { Upstream } from "../toolkit/upstream-errors.ts";
import {
  healthSchema,
  jobSchema,
  type RunpodHealth,
  type RunpodJob,
  type RunpodStream,
  streamSchema,
} from "./job-schema.ts";

/** RunPod counts its limits per 10 s window: a 429 that says nothing waits a little longer than elsewhere. */
const RUNPOD: Upstream = { name: "RunPod", keySetting: "RUNPOD_API_KEY", defaultRetryAfterMs: 2_000 };

type Init = Pick<CallOptions, "method" | "signal" | "start"> & { body?: object };

export class RunpodClient {
  /** Also serves the vLLM workers' OpenAI-compatible route (vllm-openai-route.ts). */
  readonly http: UpstreamHttp;

  constructor(baseUrl: string, apiKey: string, fetchImpl?: typeof fetch) {
    this.http = new UpstreamHttp({
      upstream: RUNPOD,
      baseUrl,
      credentials: { authorization: `Bearer ${apiKey}` },
      secrets: [apiKey],
      readError: (answer, what) => this.#ownError(answer, what),
      ...(fetchImpl && { fetch: fetchImpl }),
    });
  }

  /** Submits a job; the answer is `{id, status}`. */
  async run(endpointId: string, body: object, signal?: AbortSignal): Promise<RunpodJob> {
    const what = "submitting the job";
    const answer = await this.#call(endpointId, "run", what, { method: "POST", body, signal, start: true });
    return this.#parse(this.#ok(answer, what), jobSchema, what);
  }

  /** The job, or null when RunPod no longer has it (404: result expired, ttl ran out). */
  async status(endpointId: string, jobId: string, signal?: AbortSignal): Promise<RunpodJob | null> {
    const what = "reading the job status";
    const answer = await this.#call(endpointId, `status/${encodeURIComponent(jobId)}`, what, { signal });
    return answer.status === 404 ? null : this.#parse(this.#ok(answer, what), jobSchema, what);
  }

  /** The chunks streamed since the last call, or null when RunPod no longer has the job. */
  async stream(endpointId: string, jobId: string, signal?: AbortSignal): Promise<RunpodStream | null> {
    const what = "reading the job stream";
    const answer = await this.#call(endpointId, `stream/${encodeURIComponent(jobId)}`, what, { signal });
    return answer.status === 404 ? null : this.#parse(this.#ok(answer, what), streamSchema, what);
  }

  /** Re-runs a FAILED or TIMED_OUT job under the same id; false when the job is in another state or gone. */
  async retry(endpointId: string, jobId: string, signal?: AbortSignal): Promise<boolean> {
    const what = "retrying the job";
    const path = `retry/${encodeURIComponent(jobId)}`;
    const answer = await this.#call(endpointId, path, what, { method: "POST", signal });
    if (answer.status === 400 || answer.status === 404) return false;
    this.#ok(answer, what);
    return true;
  }

  /** Cancels a job; one RunPod no longer has needs nothing. */
  async cancel(endpointId: string, jobId: string, signal?: AbortSignal): Promise<void> {
    const what = "canceling the job";
    const answer = await this.#call(endpointId, `cancel/${encodeURIComponent(jobId)}`, what, {
      method: "POST",
      signal,
    });
    if (answer.status !== 404) this.#ok(answer, what);
  }

  async health(endpointId: string, signal?: AbortSignal): Promise<RunpodHealth> {
    const what = "reading the endpoint health";
    const answer = await this.#call(endpointId, "health", what, { signal });
    return this.#parse(this.#ok(answer, what), healthSchema, what);
  }

  /** One HTTP call, answered with any status; only a failure to reach RunPod throws. */
  request(endpointId: string, operation: string, what = `calling ${operation}`): Promise<HttpAnswer> {
    return this.#call(endpointId, operation, what, {});
  }

  /** Removes the API key from text that came from elsewhere. */
  readonly redact = (text: string): string => this.http.redact(text);

  #call(endpointId: string, operation: string, what: string, { body, ...init }: Init): Promise<HttpAnswer> {
    return this.http.send(`/${encodeURIComponent(endpointId)}/${operation}`, {
      ...init,
      what,
      ...(body && { json: body }),
    });
  }

  #ok(answer: HttpAnswer, what: string): HttpAnswer {
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw this.http.errorOf(answer, what);
  }

  #parse<T extends z.ZodType>(answer: HttpAnswer, schema: T, what: string): z.infer<T> {
    return parseAnswer("RunPod", schema, jsonOrUndefined(answer.text), what);
  }

  /** What is RunPod's own: a 400 is the worker's verdict on the input, a 404 an endpoint id it does not have. */
  #ownError({ status, text }: HttpAnswer, what: string): GatewayError | undefined {
    if (status !== 400 && status !== 404) return undefined;
    const detail = this.redact(plainDetail(text));
    const said = `RunPod answered HTTP ${status} ${what}${detail ? `: ${detail}` : ""}`;
    const options = { providerDetail: detail || `HTTP ${status}`, retryable: false };
    return status === 400
      ? new GatewayError("invalid_input", said, options)
      : new GatewayError("provider_error", `${said} (check the endpoint id)`, options);
  }
}
