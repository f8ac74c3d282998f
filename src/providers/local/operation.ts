/**
 * The JSON operation a local start returns: the job, the process that started it, and what it was
 * asked, so that another process can run it again when that one stops.
 */
import { z } from "zod";
import { parseStoredOperation } from "../provider.ts";
import { TOOLS } from "./job.ts";
import { ownerSchema } from "./owner.ts";

const operationSchema = z.object({
  provider: z.literal("local"),
  jobId: z.string().min(1),
  tool: z.enum(TOOLS),
  startedAt: z.number(),
  owner: ownerSchema,
  /** Absent in operations stored before local jobs could be run again. */
  request: z
    .object({
      predictionId: z.string().min(1),
      providerModel: z.string().min(1),
      input: z.record(z.string(), z.unknown()),
    })
    .optional(),
});

export type LocalOperation = z.infer<typeof operationSchema>;

export function parseLocalOperation(value: unknown): LocalOperation {
  return parseStoredOperation(operationSchema, value, "local");
}
