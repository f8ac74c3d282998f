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

/** Where fal keeps a request of `app`: under `owner/alias`, without the app's subpath (reference B.1). */
export function requestUrl(queueUrl: string, app: string, requestId: string): string {
  const [owner, alias] = app.split("/");
  return `${queueUrl}/${owner}/${alias}/requests/${encodeURIComponent(requestId)}`;
}
