/**
 * RunPod's configuration: RUNPOD_API_KEY (the provider is off without it) and RUNPOD_BASE_URL from
 * the environment; the endpoints, one gengate model each, from `providers.runpod` in the
 * configuration file:
 *
 *   { "endpoints": { "<model name>": { "endpointId": "…", "worker": "a1111" | "comfyui" | "flux",
 *       "description"?, "presets"?: { "positive"?, "negative"? }, "checkpoint"? (comfyui),
 *       "maxRetries"?: 3, "retryDelayMs"?: 2000 } },
 *     "concurrency"?: 50, "perMinute"?: 6000 }
 */
import { z } from "zod";
import { parseEnv, parseSettings } from "../../core/env-config.ts";
import type { ProviderDeps } from "../provider.ts";
import { WORKER_KIND_NAMES } from "./worker-kinds.ts";

const ENV_SCHEMA = {
  RUNPOD_API_KEY: z.string().min(1).optional(),
  RUNPOD_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be a URL starting with http:// or https://" })
    .default("https://api.runpod.ai/v2")
    .transform((url) => url.replace(/\/+$/, "")),
} as const;

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const endpointSchema = z
  .strictObject({
    endpointId: z
      .string("must be the RunPod endpoint id")
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "must be a RunPod endpoint id (letters, digits, - and _)"),
    worker: z.enum(WORKER_KIND_NAMES),
    description: z.string().min(1).optional(),
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

export type EndpointConfig = z.infer<typeof endpointSchema>;

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
