/** What start() hands the engine to keep: all a later process needs to follow the prediction. */
import { z } from "zod";
import { parseStoredOperation } from "../provider.ts";
import { predictionSchema } from "./schemas.ts";
import type { StatusContext } from "./status.ts";

const operationSchema = z.object({
  /** Replicate's prediction id. */
  id: z.string().min(1),
  streamUrl: z.string().optional(),
  webhooked: z.boolean(),
  textOutput: z.boolean(),
  /** When gengate created it (ms). */
  createdAt: z.number(),
  /** The prediction as Replicate returned it when it had already ended (a `Prefer: wait` create). */
  final: predictionSchema.optional(),
});
export type ReplicateOperation = z.infer<typeof operationSchema>;

export function parseOperation(value: unknown): ReplicateOperation {
  return parseStoredOperation(operationSchema, value, "Replicate");
}

export function statusContext(
  { textOutput, webhooked, createdAt }: ReplicateOperation,
  webhookPollMs: number,
): StatusContext {
  return { textOutput, webhooked, createdAt, webhookPollMs };
}
