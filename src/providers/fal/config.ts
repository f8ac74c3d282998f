/**
 * fal's configuration: the key and URLs from FAL_* environment variables, the models from the
 * `providers.fal` section of the configuration file.
 */
import { z } from "zod";
import { parseEnv, parseSettings } from "../../core/env-config.ts";

export const DEFAULT_QUEUE_URL = "https://queue.fal.run";
/** Where fal publishes its webhook signing keys (reference B.4). */
export const DEFAULT_JWKS_URL = "https://rest.alpha.fal.ai/.well-known/jwks.json";

export interface FalApp {
  /** The gengate model name: the model is `fal/<name>`. */
  name: string;
  /** fal's app id, e.g. `fal-ai/flux/dev`. */
  app: string;
  description: string | undefined;
}

export interface FalConfig {
  key: string;
  queueUrl: string;
  jwksUrl: string;
  /** Webhook public keys (JWK `x` values) given in the environment; when set the JWKS is never fetched. */
  webhookKeys: string[] | undefined;
  apps: FalApp[];
  concurrency: number;
  perMinute: number;
}

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

const ED25519_KEYS = "must be a comma-separated list of Ed25519 public keys (base64url, 32 bytes each)";

const ENV_SCHEMA = {
  FAL_KEY: z.string().optional(),
  FAL_QUEUE_URL: httpUrl.default(DEFAULT_QUEUE_URL),
  FAL_JWKS_URL: httpUrl.default(DEFAULT_JWKS_URL),
  FAL_WEBHOOK_PUBLIC_KEYS: z
    .string()
    .transform((text, ctx) => {
      const keys = text.split(",").map((key) => key.trim());
      if (keys.every((key) => /^[\w-]+$/.test(key) && Buffer.from(key, "base64url").length === 32))
        return keys;
      ctx.addIssue({ code: "custom", message: ED25519_KEYS });
      return z.NEVER;
    })
    .optional(),
} as const;

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const APP_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*(\/[\w.-]+)*$/;
const EXAMPLE = '{ "apps": { "flux-dev": { "app": "fal-ai/flux/dev" } } }';

const SETTINGS_SCHEMA = z.strictObject(
  {
    apps: z
      .record(
        z.string(),
        z.strictObject({
          app: z.string().regex(APP_ID, 'must be a fal app id such as "fal-ai/flux/dev"'),
          description: z.string().min(1).optional(),
        }),
      )
      .superRefine((apps, ctx) => {
        const names = Object.keys(apps);
        if (names.length === 0) ctx.addIssue({ code: "custom", message: "must name at least one app" });
        for (const name of names.filter((name) => !MODEL_NAME.test(name)))
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "a model name is letters, digits, '_', '.' and '-'",
          });
      }),
    concurrency: z.int().positive().default(20),
    perMinute: z.number().positive().default(600),
  },
  {
    error: (issue) =>
      issue.input === undefined ? `required when FAL_KEY is set, e.g. ${EXAMPLE}` : undefined,
  },
);

/** The provider's configuration, or null when FAL_KEY is not set. */
export function parseFalConfig(
  env: Record<string, string | undefined>,
  settings: unknown,
  file: string,
): FalConfig | null {
  const v = parseEnv(ENV_SCHEMA, env, ["FAL_KEY"]);
  if (!v.FAL_KEY) return null;
  const parsed = parseSettings(SETTINGS_SCHEMA, settings, file, "providers.fal");
  return {
    key: v.FAL_KEY,
    queueUrl: v.FAL_QUEUE_URL.replace(/\/+$/, ""),
    jwksUrl: v.FAL_JWKS_URL,
    webhookKeys: v.FAL_WEBHOOK_PUBLIC_KEYS,
    apps: Object.entries(parsed.apps).map(([name, { app, description }]) => ({ name, app, description })),
    concurrency: parsed.concurrency,
    perMinute: parsed.perMinute,
  };
}
