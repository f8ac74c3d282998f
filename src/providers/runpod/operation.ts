/** The JSON operation stored with a prediction: all a later process needs to follow the RunPod job. */
import { z } from "zod";
import { parseStoredOperation } from "../provider.ts";

const common = {
  provider: z.literal("runpod"),
  endpointId: z.string().min(1),
  jobId: z.string().min(1),
  submittedAt: z.number(),
  /** Worker failures retried with /retry before the prediction fails, and the wait before each. */
  maxRetries: z.int().nonnegative(),
  retryDelayMs: z.int().nonnegative(),
  /** A webhook was registered, so polling is only the fallback. */
  webhook: z.boolean(),
};

/** Operations stored before text jobs existed have no `kind`: they are image jobs. */
const imageOperationSchema = z.object({
  ...common,
  kind: z.literal("image").default("image"),
  /** The requested output format, for output URLs that do not show their type. */
  format: z.string(),
  /** The seed, when gengate knows it before the job runs. */
  seed: z.int().nullable(),
});

/** A vLLM job: its output is text, streamed from `/stream`. */
const textOperationSchema = z.object({ ...common, kind: z.literal("text") });

/** A chat on the worker's OpenAI-compatible route: streamed into the process that started it, no job to follow. */
const chatOperationSchema = z.object({
  provider: z.literal("runpod"),
  kind: z.literal("chat"),
  endpointId: z.string().min(1),
  submitId: z.string().min(1),
});

const operationSchema = z.discriminatedUnion("kind", [
  textOperationSchema,
  chatOperationSchema,
  imageOperationSchema,
]);

export type RunpodOperation = z.infer<typeof operationSchema>;
export type ImageOperation = z.infer<typeof imageOperationSchema>;
export type TextOperation = z.infer<typeof textOperationSchema>;
export type ChatOperation = z.infer<typeof chatOperationSchema>;
export type JobOperation = Exclude<RunpodOperation, ChatOperation>;

export function parseRunpodOperation(value: unknown): RunpodOperation {
  return parseStoredOperation(operationSchema, value, "RunPod");
}
