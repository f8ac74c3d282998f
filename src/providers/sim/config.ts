/** The simulator's configuration from GENGATE_SIM_* environment variables. */
import { z } from "zod";
import { parseEnv } from "../../core/env-config.ts";
import { LATENCY_FORMS, type LatencyDistribution, parseLatency } from "./latency.ts";

export interface SimConfig {
  latency: LatencyDistribution;
  failureRate: number;
  concurrency: number;
  ratePerMinute: number;
  /** How long a sim/lora-trainer training takes. */
  trainingMs: number;
}

const BETWEEN_0_AND_1 = "must be between 0 and 1";

const ENV_SCHEMA = {
  GENGATE_SIM_LATENCY: z
    .string()
    .default("uniform:300-1200")
    .transform((text, ctx) => {
      const latency = parseLatency(text);
      if (latency) return latency;
      ctx.addIssue({ code: "custom", message: `must be ${LATENCY_FORMS}` });
      return z.NEVER;
    }),
  GENGATE_SIM_FAILURE_RATE: z.coerce
    .number({ error: BETWEEN_0_AND_1 })
    .min(0, BETWEEN_0_AND_1)
    .max(1, BETWEEN_0_AND_1)
    .default(0),
  GENGATE_SIM_CONCURRENCY: z.coerce
    .number({ error: "must be a positive integer" })
    .int("must be a positive integer")
    .positive("must be a positive integer")
    .default(256),
  GENGATE_SIM_RATE_PER_MINUTE: z.coerce
    .number({ error: "must be a positive number" })
    .positive("must be a positive number")
    .default(600_000),
  GENGATE_SIM_TRAINING_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(0, "must be a whole number of milliseconds")
    .default(3000),
} as const;

export function parseSimConfig(env: Record<string, string | undefined>): SimConfig {
  const v = parseEnv(ENV_SCHEMA, env);
  return {
    latency: v.GENGATE_SIM_LATENCY,
    failureRate: v.GENGATE_SIM_FAILURE_RATE,
    concurrency: v.GENGATE_SIM_CONCURRENCY,
    ratePerMinute: v.GENGATE_SIM_RATE_PER_MINUTE,
    trainingMs: v.GENGATE_SIM_TRAINING_MS,
  };
}
