/** How a fake RunPod is set up: its endpoints, their workers, and RunPod's documented limits. */

export type WorkerKind = "a1111" | "comfyui" | "flux" | "vllm";

/** Operations sharing a rate limit (reference A.2); `/retry` and `/health` have none listed. */
export type RateGroup = "run" | "runsync" | "status" | "cancel" | "purge-queue" | "openai";

/** RunPod's documented requests per 10 s window, per endpoint. */
export const RUNPOD_RATE_LIMITS: Readonly<Record<RateGroup, number>> = {
  run: 1000,
  runsync: 2000,
  status: 2000,
  cancel: 100,
  "purge-queue": 2,
  openai: 2000,
};

export interface FakeEndpointOptions {
  worker: WorkerKind;
  /** Workers running jobs in parallel; default 2. */
  workers?: number;
  /** Time before a queued job can be picked up; default 20 ms. */
  queueMs?: number;
  /** Time a worker spends on a job (vllm: before its first token); default 50 ms. */
  executionMs?: number;
  /** vllm: time between two tokens; default 10 ms. */
  tokenIntervalMs?: number;
  /** The endpoint's execution timeout, which a job's `policy.executionTimeout` overrides; 10 min. */
  executionTimeoutMs?: number;
  /** comfyui: images as base64 (default) or as URLs, as worker-comfyui does with a bucket set. */
  comfyOutput?: "base64" | "s3_url";
  /**
   * The image handler is a generator (`return_aggregate_stream`): its result is also a `/stream`
   * chunk. The vllm worker always streams its batches, as worker-vllm does.
   */
  generator?: boolean;
  /** Requests per rate window, by operation group; RunPod's documented limits by default. */
  rateLimits?: Partial<Record<RateGroup, number>>;
  /** vllm: the model name its OpenAI route serves (MODEL_NAME); any name is taken when unset. */
  servedModel?: string;
  /** vllm: the worker calls tools (ENABLE_AUTO_TOOL_CHOICE and TOOL_CALL_PARSER set); default false. */
  toolCalling?: boolean;
}

export interface FakeRunpodOptions {
  apiKey?: string;
  /** By endpoint id; default one endpoint per worker kind (see DEFAULT_ENDPOINTS). */
  endpoints?: Record<string, FakeEndpointOptions>;
  /** How long finished jobs stay readable: 30 min after /run, 1 min after /runsync. */
  retention?: { runMs?: number; runsyncMs?: number };
  /** Rate-limit window; 10 s. */
  rateWindowMs?: number;
  /** Delay between webhook attempts (3 attempts in all); 10 s. */
  webhookRetryDelayMs?: number;
  /** Smallest accepted `policy` values (RunPod: executionTimeout 5 s, ttl 10 s); tests lower them. */
  minExecutionTimeoutMs?: number;
  minTtlMs?: number;
  host?: string;
  port?: number;
}

export const DEFAULT_ENDPOINTS: Readonly<Record<string, FakeEndpointOptions>> = {
  "sdxl-a1111": { worker: "a1111" },
  "comfyui-sdxl": { worker: "comfyui" },
  "black-forest-labs-flux-1-schnell": { worker: "flux" },
  "vllm-llama": { worker: "vllm" },
};

export interface ResolvedEndpoint {
  id: string;
  worker: WorkerKind;
  workerIds: string[];
  queueMs: number;
  executionMs: number;
  tokenIntervalMs: number;
  executionTimeoutMs: number;
  comfyOutput: "base64" | "s3_url";
  generator: boolean;
  rateLimits: Record<RateGroup, number>;
  servedModel: string | undefined;
  toolCalling: boolean;
}

export interface ResolvedOptions {
  apiKey: string;
  endpoints: Map<string, ResolvedEndpoint>;
  retention: { runMs: number; runsyncMs: number };
  rateWindowMs: number;
  webhookRetryDelayMs: number;
  minExecutionTimeoutMs: number;
  minTtlMs: number;
  host: string;
  port: number;
}

const MINUTE = 60_000;
const WORKER_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

function workerId(): string {
  let id = "";
  for (let i = 0; i < 14; i++) id += WORKER_ID_CHARS[Math.floor(Math.random() * WORKER_ID_CHARS.length)];
  return id;
}

export function resolveOptions(options: FakeRunpodOptions): ResolvedOptions {
  const endpoints = new Map<string, ResolvedEndpoint>();
  for (const [id, endpoint] of Object.entries(options.endpoints ?? DEFAULT_ENDPOINTS)) {
    endpoints.set(id, {
      id,
      worker: endpoint.worker,
      workerIds: Array.from({ length: Math.max(1, endpoint.workers ?? 2) }, workerId),
      queueMs: endpoint.queueMs ?? 20,
      executionMs: endpoint.executionMs ?? 50,
      tokenIntervalMs: endpoint.tokenIntervalMs ?? 10,
      executionTimeoutMs: endpoint.executionTimeoutMs ?? 10 * MINUTE,
      comfyOutput: endpoint.comfyOutput ?? "base64",
      generator: endpoint.generator ?? false,
      rateLimits: { ...RUNPOD_RATE_LIMITS, ...endpoint.rateLimits },
      servedModel: endpoint.servedModel,
      toolCalling: endpoint.toolCalling ?? false,
    });
  }
  return {
    apiKey: options.apiKey ?? "rpa_FAKE0000000000000000000000000000000000",
    endpoints,
    retention: {
      runMs: options.retention?.runMs ?? 30 * MINUTE,
      runsyncMs: options.retention?.runsyncMs ?? MINUTE,
    },
    rateWindowMs: options.rateWindowMs ?? 10_000,
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? 10_000,
    minExecutionTimeoutMs: options.minExecutionTimeoutMs ?? 5_000,
    minTtlMs: options.minTtlMs ?? 10_000,
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
  };
}
