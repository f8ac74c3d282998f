/** What start() hands the engine to keep: all a later process needs to follow the prediction. */
import { z } from "zod";
import { parseStoredOperation } from "../provider.ts";
import { predictionSchema } from "./schemas.ts";
import type { StatusContext } from "./status.ts";

const operationSchema = z.object({
  /** A training (followed at `/trainings/{id}`); absent for predictions. */
  kind: z.literal("training").optional(),
  /** Replicate's prediction (or training) id. */
  id: z.string().min(1),
  /** Trainings: the `owner/name` model that receives the trained version. */
  destination: z.string().optional(),
  streamUrl: z.string().optional(),
  webhooked: z.boolean(),
  textOutput: z.boolean(),
  /** When gengate created it (ms). */
  createdAt: z.number(),
  /** The prediction (or training) as Replicate returned it when it had already ended (e.g. a `Prefer: wait` create). */
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
