/** RunPod's response bodies (reference A.4), checked at the boundary. */
import { z } from "zod";

/** `RUNNING` is documented but never sent (runpod/docs#511); accepted as IN_PROGRESS. */
const jobStatusSchema = z.enum([
  "IN_QUEUE",
  "IN_PROGRESS",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMED_OUT",
]);

export const jobSchema = z.looseObject({
  id: z.string().min(1),
  status: jobStatusSchema,
  delayTime: z.number().optional(),
  executionTime: z.number().optional(),
  workerId: z.string().optional(),
  output: z.unknown().optional(),
  /** Usually a string, often JSON inside (reference A.8). */
  error: z.unknown().optional(),
  retries: z.int().nonnegative().optional(),
});

export type RunpodJob = z.infer<typeof jobSchema>;

/** `/stream/{id}`: the job's status and the chunks its generator handler yielded since the last call (A.7). */
export const streamSchema = z.looseObject({
  status: jobStatusSchema,
  stream: z.array(z.looseObject({ output: z.unknown() })).default([]),
});

export type RunpodStream = z.infer<typeof streamSchema>;

const count = z.number().optional();

export const healthSchema = z.looseObject({
  jobs: z
    .looseObject({ completed: count, failed: count, inProgress: count, inQueue: count, retried: count })
    .default({}),
  workers: z
    .looseObject({ idle: count, initializing: count, ready: count, running: count, throttled: count })
    .default({}),
});

export type RunpodHealth = z.infer<typeof healthSchema>;
