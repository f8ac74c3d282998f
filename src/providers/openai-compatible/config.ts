/**
 * The OpenAI-compatible upstream's configuration (vLLM, Ollama, LM Studio, OpenRouter, Together,
 * OpenAI itself): OPENAI_COMPATIBLE_BASE_URL and OPENAI_COMPATIBLE_API_KEY from the environment
 * (the provider is off without a base URL; the key is optional, local servers take none), the
 * models from `providers.openai-compatible` in the configuration file:
 *
 *   { "models": { "<gengate name>": { "kind": "chat" | "image" | "embedding",
 *       "model"?: "<upstream name, default the gengate name>", "description"? } },
 *     "concurrency"?: 20, "perMinute"?: 600 }
 */
import { z } from "zod";
import { parseEnv, parseSettings } from "../../core/env-config.ts";
import type { ProviderDeps } from "../provider.ts";

export const KEY_SETTING = "OPENAI_COMPATIBLE_API_KEY";
export const PROVIDER_ID = "openai-compatible";

const ENV_SCHEMA = {
  OPENAI_COMPATIBLE_API_KEY: z.string().min(1).optional(),
  OPENAI_COMPATIBLE_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be a URL starting with http:// or https://" })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
} as const;

export const MODEL_KINDS = ["chat", "image", "embedding"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

const modelSchema = z.strictObject({
  kind: z.enum(MODEL_KINDS),
  model: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
});

const settingsSchema = z.strictObject({
  models: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "model names are letters, digits, '.', '_' and '-'"),
      modelSchema,
    )
    .refine((models) => Object.keys(models).length > 0, "list at least one model"),
  concurrency: z.int().positive().default(20),
  perMinute: z.number().positive().default(600),
});

export interface UpstreamModel {
  kind: ModelKind;
  /** The upstream's name for it. */
  model: string;
  description: string | undefined;
}

export interface OpenAiCompatibleConfig {
  baseUrl: string;
  apiKey: string | undefined;
  /** By gengate model name. */
  models: ReadonlyMap<string, UpstreamModel>;
  concurrency: number;
  perMinute: number;
}

/** The configuration, or null when OPENAI_COMPATIBLE_BASE_URL is not set; a section present is checked either way. */
export function parseOpenAiCompatibleConfig(
  env: Record<string, string | undefined>,
  deps: Pick<ProviderDeps, "settings" | "configFile">,
): OpenAiCompatibleConfig | null {
  const v = parseEnv(ENV_SCHEMA, env, [KEY_SETTING]);
  if (v.OPENAI_COMPATIBLE_BASE_URL === undefined && deps.settings === undefined) return null;
  const settings = parseSettings(
    settingsSchema,
    deps.settings ?? {},
    deps.configFile,
    `providers.${PROVIDER_ID}`,
  );
  if (v.OPENAI_COMPATIBLE_BASE_URL === undefined) return null;
  return {
    baseUrl: v.OPENAI_COMPATIBLE_BASE_URL,
    apiKey: v.OPENAI_COMPATIBLE_API_KEY,
    models: new Map(
      Object.entries(settings.models).map(([name, m]) => [
        name,
        { kind: m.kind, model: m.model ?? name, description: m.description },
      ]),
    ),
    concurrency: settings.concurrency,
    perMinute: settings.perMinute,
  };
}
