/** What start() stores: everything a later process needs to follow or cancel the request. */
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";

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
  const parsed = falOperation.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new GatewayError("internal", `Not a fal operation: ${issue?.message ?? "invalid"}${where}`, {
    retryable: false,
  });
}
