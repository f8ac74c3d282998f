/** The JSON operation a local start returns: the job, and the process whose memory holds it. */
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
});

export type LocalOperation = z.infer<typeof operationSchema>;

export function parseLocalOperation(value: unknown): LocalOperation {
  return parseStoredOperation(operationSchema, value, "local");
}
