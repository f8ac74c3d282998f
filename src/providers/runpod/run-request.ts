/** The `/run` body for a prediction: mapped input, webhook, and a policy from the deadline. */
import type { StartRequest } from "../provider.ts";
import type { EndpointConfig } from "./config.ts";
import { type GenerationParams, generationParams } from "./generation-params.ts";
import { WORKER_KINDS } from "./worker-kinds.ts";

const DAY_MS = 86_400_000;
/** RunPod's bounds (reference A.3). */
const EXECUTION_TIMEOUT_MS = { min: 5_000, max: 7 * DAY_MS };
const TTL_MS = { min: 10_000, max: 7 * DAY_MS };

export interface RunRequest {
  body: {
    input: Record<string, unknown>;
    webhook?: string;
    policy?: { executionTimeout: number; ttl: number };
  };
  params: GenerationParams;
}

const clamp = (value: number, { min, max }: { min: number; max: number }) =>
  Math.min(max, Math.max(min, Math.round(value)));

/** `webhook` is the full URL to register, if any. */
export function runRequest(
  request: StartRequest,
  endpoint: EndpointConfig,
  webhook: string | undefined,
  now: number,
): RunRequest {
  const spec = WORKER_KINDS[endpoint.worker];
  const params = generationParams(request.input, spec.defaults, endpoint.presets);
  const left = request.deadlineAt === undefined ? undefined : request.deadlineAt - now;
  return {
    params,
    body: {
      input: spec.toInput(params, endpoint),
      ...(webhook !== undefined && { webhook }),
      ...(left !== undefined && {
        policy: { executionTimeout: clamp(left, EXECUTION_TIMEOUT_MS), ttl: clamp(left, TTL_MS) },
      }),
    },
  };
}
