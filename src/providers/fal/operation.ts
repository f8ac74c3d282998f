/** What start() stores: everything a later process needs to follow or cancel the request. */
import { z } from "zod";
import { parseStoredOperation } from "../provider.ts";

const falOperation = z.object({
  provider: z.literal("fal"),
  app: z.string().min(1),
  requestId: z.string().min(1),
  statusUrl: z.url(),
  responseUrl: z.url(),
  cancelUrl: z.url(),
  submittedAt: z.number(),
});

export type FalOperation = z.infer<typeof falOperation>;

export function parseFalOperation(value: unknown): FalOperation {
  return parseStoredOperation(falOperation, value, "fal");
}
