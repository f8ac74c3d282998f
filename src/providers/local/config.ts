/** The local provider's configuration from LOCAL_* environment variables. */
import { availableParallelism } from "node:os";
import { z } from "zod";
import { parseEnv } from "../../core/env-config.ts";

export interface LocalConfig {
  /** False with LOCAL_TOOLS=off. */
  enabled: boolean;
  /** Worker threads running tools at once; each loads the models it uses once and keeps them. */
  concurrency: number;
  /**
   * How long a job waits, after the process running it stopped renewing its lease (it died),
   * before another process runs it again.
   */
  takeoverMs: number;
}

const ENV_SCHEMA = {
  LOCAL_TOOLS: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on"),
  LOCAL_CONCURRENCY: z.coerce
    .number({ error: "must be a positive integer" })
    .int("must be a positive integer")
    .positive("must be a positive integer")
    .optional(),
  LOCAL_TAKEOVER_SECONDS: z.coerce
    .number({ error: "must be a positive number of seconds" })
    .positive("must be a positive number of seconds")
    .default(15),
} as const;

export function parseLocalConfig(env: Record<string, string | undefined>): LocalConfig {
  const v = parseEnv(ENV_SCHEMA, env);
  return {
    enabled: v.LOCAL_TOOLS === "on",
    concurrency: v.LOCAL_CONCURRENCY ?? availableParallelism(),
    takeoverMs: v.LOCAL_TAKEOVER_SECONDS * 1000,
  };
}
