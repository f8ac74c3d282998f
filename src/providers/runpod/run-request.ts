/**
 * The `/run` body for a prediction (the worker's input, the webhook, and a policy from the
 * deadline), and what the prediction's operation must remember about the job.
 */
import { withNativeFields } from "../native-input.ts";
import type { StartRequest } from "../provider.ts";
import type { EndpointConfig, ImageEndpointConfig } from "./config.ts";
import { GENERATION_PARAM_NAMES, type GenerationParams, generationParams } from "./generation-params.ts";
import type { ImageOperation, TextOperation } from "./operation.ts";
import { vllmInput } from "./vllm-request.ts";
import { WORKER_KINDS } from "./worker-kinds.ts";

const DAY_MS = 86_400_000;
/** RunPod's bounds (reference A.3). */
const EXECUTION_TIMEOUT_MS = { min: 5_000, max: 7 * DAY_MS };
const TTL_MS = { min: 10_000, max: 7 * DAY_MS };

export interface RunBody {
  input: Record<string, unknown>;
  webhook?: string;
  policy?: { executionTimeout: number; ttl: number };
}

export interface RunRequest {
  body: RunBody;
  params: GenerationParams;
}

export interface WorkerInput {
  params: GenerationParams;
  input: Record<string, unknown>;
  /** What of the request the worker input drops or rewrites. */
  warnings: string[];
}

export type JobFacts =
  | Pick<ImageOperation, "kind" | "maxRetries" | "retryDelayMs" | "format" | "seed">
  | Pick<TextOperation, "kind" | "maxRetries" | "retryDelayMs">;

const clamp = (value: number, { min, max }: { min: number; max: number }) =>
  Math.min(max, Math.max(min, Math.round(value)));

/** Wraps a worker's input; `webhook` is the full URL to register, if any. */
function runBody(
  input: Record<string, unknown>,
  request: StartRequest,
  webhook: string | undefined,
  now: number,
): RunBody {
  const left = request.deadlineAt === undefined ? undefined : request.deadlineAt - now;
  return {
    input,
    ...(webhook !== undefined && { webhook }),
    ...(left !== undefined && {
      policy: { executionTimeout: clamp(left, EXECUTION_TIMEOUT_MS), ttl: clamp(left, TTL_MS) },
    }),
  };
}

/**
 * An image worker's input: gengate's parameters mapped to the worker's names, and the fields the
 * request sent in the worker's own names (`sampler_name` for A1111, a whole `workflow` for
 * ComfyUI), which win over a mapped value.
 */
export function imageWorkerInput(input: Record<string, unknown>, endpoint: ImageEndpointConfig): WorkerInput {
  const spec = WORKER_KINDS[endpoint.worker];
  const params = generationParams(input, spec.defaults, endpoint.presets);
  const warnings: string[] = [];
  const untaken = spec.samplers ? [] : ["sampler", "scheduler"];
  for (const name of untaken.filter((name) => input[name] !== undefined))
    warnings.push(`${name} dropped: the ${spec.label} worker does not take it`);
  const { presets } = endpoint;
  if (input.use_enhanced_prompts !== false && (presets?.positive || presets?.negative))
    warnings.push(
      "prompts extended with the endpoint's presets (use_enhanced_prompts: false sends them as they are)",
    );
  const worker = withNativeFields(spec.toInput(params, endpoint), input, GENERATION_PARAM_NAMES);
  return { params, input: worker.input, warnings: [...warnings, ...worker.warnings] };
}

/** An image prediction's body, with the parameters it was made from. */
export function runRequest(
  request: StartRequest,
  endpoint: ImageEndpointConfig,
  webhook: string | undefined,
  now: number,
): RunRequest {
  const { params, input } = imageWorkerInput(request.input, endpoint);
  return { params, body: runBody(input, request, webhook, now) };
}

/** Any prediction's body; vLLM jobs are never retried (see config.ts). */
export function jobRequest(
  request: StartRequest,
  endpoint: EndpointConfig,
  webhook: string | undefined,
  now: number,
): { body: RunBody; facts: JobFacts } {
  if (endpoint.worker === "vllm") {
    const body = runBody(vllmInput(request.input), request, webhook, now);
    return { body, facts: { kind: "text", maxRetries: 0, retryDelayMs: 0 } };
  }
  const { body, params } = runRequest(request, endpoint, webhook, now);
  const { maxRetries, retryDelayMs } = endpoint;
  const seed = params.seed === -1 ? null : params.seed;
  return { body, facts: { kind: "image", maxRetries, retryDelayMs, format: params.format, seed } };
}
