import { z } from "zod";
import { MODEL_KINDS } from "./config.ts";

/** What a prediction keeps of its request: the upstream answered it whole at start. */
export const operationSchema = z.strictObject({
  provider: z.literal("openai-compatible"),
  kind: z.enum(MODEL_KINDS),
  submitId: z.string(),
});
