/**
 * RunPod's configuration: RUNPOD_API_KEY (the provider is off without it) and RUNPOD_BASE_URL from
 * the environment; the endpoints, one gengate model each, from `providers.runpod` in the
 * configuration file:
 *
 *   { "endpoints": { "<model name>": { "endpointId": "…", "worker": "a1111" | "comfyui" | "flux",
 *       "description"?, "presets"?: { "positive"?, "negative"? }, "checkpoint"? (comfyui),
 *       "maxRetries"?: 3, "retryDelayMs"?: 2000 }
 *     | { "endpointId": "…", "worker": "vllm", "model": "<served model name>", "description"?,
 *         "tools"?: false } },
 *     "concurrency"?: 50, "perMinute"?: 6000 }
 *
 * A vLLM endpoint has no retries: its tokens are streamed to clients as they come, and a rerun
 * would write different ones after them. `tools: true` says its worker calls tools (vLLM started
 * with ENABLE_AUTO_TOOL_CHOICE and a TOOL_CALL_PARSER): chats with tools, tool results, JSON output
 * or OpenAI's other chat fields then go to the worker's OpenAI-compatible route (vllm-openai-route.ts).
 */
import { z } from "zod";
import { parseEnv, parseSettings } from "../../core/env-config.ts";
import type { ProviderDeps } from "../provider.ts";
import { IMAGE_WORKER_KINDS, WORKER_KIND_NAMES } from "./worker-kinds.ts";

const ENV_SCHEMA = {
  RUNPOD_API_KEY: z.string().min(1).optional(),
  RUNPOD_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be a URL starting with http:// or https://" })
    .default("https://api.runpod.ai/v2")
    .transform((url) => url.replace(/\/+$/, "")),
} as const;

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const endpointId = z
  .string("must be the RunPod endpoint id")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "must be a RunPod endpoint id (letters, digits, - and _)");
const description = z.string().min(1).optional();

const imageEndpointSchema = z
  .strictObject({
    endpointId,
    worker: z.enum(IMAGE_WORKER_KINDS),
    description,
    presets: z
      .strictObject({ positive: z.string().min(1).optional(), negative: z.string().min(1).optional() })
      .optional(),
    checkpoint: z.string().min(1).optional(),
    maxRetries: z.int().min(0).max(10).default(3),
    retryDelayMs: z.int().min(0).max(600_000).default(2_000),
  })
  .refine((endpoint) => endpoint.checkpoint === undefined || endpoint.worker === "comfyui", {
    path: ["checkpoint"],
    message: "only comfyui endpoints take a checkpoint",
  });

const vllmEndpointSchema = z.strictObject({
  endpointId,
  worker: z.literal("vllm"),
  /** The name the worker serves the model under (MODEL_NAME or OPENAI_SERVED_MODEL_NAME_OVERRIDE). */
  model: z.string("must be the model the vLLM worker serves").min(1),
  description,
  tools: z.boolean().default(false),
});

const endpointSchema = z.discriminatedUnion("worker", [imageEndpointSchema, vllmEndpointSchema], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `Invalid option: expected one of ${WORKER_KIND_NAMES.map((kind) => `"${kind}"`).join("|")}`
      : undefined,
});

const settingsSchema = z.strictObject(
  {
    endpoints: z
      .record(z.string(), endpointSchema, {
        error: (issue) =>
          issue.input === undefined
            ? 'is required: {"<model name>": {"endpointId": …, "worker": …}}'
            : undefined,
      })
      .superRefine((endpoints, ctx) => {
        if (Object.keys(endpoints).length === 0)
          ctx.addIssue({ code: "custom", message: "list at least one endpoint" });
        for (const name of Object.keys(endpoints).filter((name) => !MODEL_NAME.test(name)))
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "model names are letters, digits, '.', '_' and '-'",
          });
      }),
    concurrency: z.int().positive().default(50),
    perMinute: z.number().positive().default(6_000),
  },
  {
    error: (issue) => {
      if (issue.code !== "invalid_type") return undefined;
      return issue.input === undefined
        ? 'is missing: RUNPOD_API_KEY is set, so list the RunPod endpoints here ({"endpoints": {…}})'
        : "must be an object";
    },
  },
);

export type ImageEndpointConfig = z.infer<typeof imageEndpointSchema>;
export type VllmEndpointConfig = z.infer<typeof vllmEndpointSchema>;
export type EndpointConfig = ImageEndpointConfig | VllmEndpointConfig;

export interface RunpodConfig {
  apiKey: string;
  baseUrl: string;
  /** By gengate model name. */
  endpoints: ReadonlyMap<string, EndpointConfig>;
  concurrency: number;
  perMinute: number;
}

/** The configuration, or null when RUNPOD_API_KEY is not set; a section present is checked either way. */
export function parseRunpodConfig(
  env: Record<string, string | undefined>,
  deps: Pick<ProviderDeps, "settings" | "configFile">,
): RunpodConfig | null {
  const v = parseEnv(ENV_SCHEMA, env, ["RUNPOD_API_KEY"]);
  if (v.RUNPOD_API_KEY === undefined && deps.settings === undefined) return null;
  const settings = parseSettings(settingsSchema, deps.settings, deps.configFile, "providers.runpod");
  if (v.RUNPOD_API_KEY === undefined) return null;
  return {
    apiKey: v.RUNPOD_API_KEY,
    baseUrl: v.RUNPOD_BASE_URL,
    endpoints: new Map(Object.entries(settings.endpoints)),
    concurrency: settings.concurrency,
    perMinute: settings.perMinute,
  };
}
