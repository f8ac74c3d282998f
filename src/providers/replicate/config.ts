/**
 * The Replicate provider's configuration from REPLICATE_* environment variables and the optional
 * `providers.replicate` section of the configuration file.
 */
import { z } from "zod";
import { parseEnv, parseSettings } from "../../core/env-config.ts";

export const DEFAULT_LORA_TRAINER = "ostris/flux-dev-lora-trainer";

export interface ReplicateConfig {
  token: string;
  /** API base including `/v1`, without a trailing slash. */
  baseUrl: string;
  createsPerMinute: number;
  requestsPerMinute: number;
  concurrency: number;
  /** `whsec_…`; when unset it is fetched from the account once. */
  webhookSecret: string | undefined;
  /** `Prefer: wait=N` on creates of models expected to be fast; 0 disables it. */
  waitSeconds: number;
  /** How long to wait for a webhook before polling a webhooked prediction. */
  webhookPollMs: number;
  /** The trainer of LoRAs when a client names none: `owner/name` or `owner/name:version`. */
  loraTrainer: string;
}

const positive = (fallback: number) =>
  z.coerce
    .number({ error: "must be a positive number" })
    .positive("must be a positive number")
    .default(fallback);

/** A trainer reference: `owner/name`, optionally pinned to a version. */
const TRAINER = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*(?::[A-Za-z0-9]+)?$/;
const TRAINER_MESSAGE =
  'must be a model reference such as "ostris/flux-dev-lora-trainer" (optionally ":<version id>")';
const trainer = z.string().regex(TRAINER, TRAINER_MESSAGE);

const SETTINGS_SCHEMA = z.strictObject({ loraTrainer: trainer.optional() }).default({});

const ENV_SCHEMA = {
  REPLICATE_API_TOKEN: z.string().optional(),
  REPLICATE_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .default("https://api.replicate.com/v1"),
  REPLICATE_CREATES_PER_MINUTE: positive(600),
  REPLICATE_REQUESTS_PER_MINUTE: positive(3000),
  /** With webhooks, polls only cover webhooks that never came. */
  REPLICATE_WEBHOOK_POLL_SECONDS: positive(30),
  REPLICATE_CONCURRENCY: z.coerce
    .number({ error: "must be a positive integer" })
    .int("must be a positive integer")
    .positive("must be a positive integer")
    .default(256),
  REPLICATE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must look like "whsec_<base64>"')
    .optional(),
  REPLICATE_WAIT_SECONDS: z.coerce
    .number({ error: "must be a whole number of seconds from 0 to 60" })
    .int("must be a whole number of seconds from 0 to 60")
    .min(0, "must be a whole number of seconds from 0 to 60")
    .max(60, "must be a whole number of seconds from 0 to 60")
    .default(5),
  REPLICATE_LORA_TRAINER: trainer.optional(),
} as const;

/**
 * Null when REPLICATE_API_TOKEN is unset: the provider is then not configured. The environment wins
 * over the configuration file (`{"providers": {"replicate": {"loraTrainer": "…"}}}`).
 */
export function parseReplicateConfig(
  env: Record<string, string | undefined>,
  file: { settings?: unknown; configFile?: string } = {},
): ReplicateConfig | null {
  const v = parseEnv(ENV_SCHEMA, env, ["REPLICATE_API_TOKEN", "REPLICATE_WEBHOOK_SECRET"]);
  const settings = parseSettings(
    SETTINGS_SCHEMA,
    file.settings,
    file.configFile ?? "gengate.config.json",
    "providers.replicate",
  );
  if (v.REPLICATE_API_TOKEN === undefined) return null;
  return {
    token: v.REPLICATE_API_TOKEN,
    baseUrl: v.REPLICATE_BASE_URL.replace(/\/+$/, ""),
    createsPerMinute: v.REPLICATE_CREATES_PER_MINUTE,
    requestsPerMinute: v.REPLICATE_REQUESTS_PER_MINUTE,
    concurrency: v.REPLICATE_CONCURRENCY,
    webhookSecret: v.REPLICATE_WEBHOOK_SECRET,
    waitSeconds: v.REPLICATE_WAIT_SECONDS,
    webhookPollMs: v.REPLICATE_WEBHOOK_POLL_SECONDS * 1000,
    loraTrainer: v.REPLICATE_LORA_TRAINER ?? settings.loraTrainer ?? DEFAULT_LORA_TRAINER,
  };
}
