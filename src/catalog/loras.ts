/**
 * gengate's normalised `loras`: a list of LoRAs, each `{ "weights": …, "scale": … }` or just its
 * weights (a Replicate model `owner/name[/version]`, a Hugging Face or CivitAI URL, a
 * `.safetensors` URL). A target that takes LoRAs gets one as `lora_weights` and `lora_scale`,
 * which its `params` may rename like any other input.
 */
import { z } from "zod";
import { GatewayError } from "../core/errors.ts";

export interface Lora {
  weights: string;
  scale?: number | undefined;
}

const WEIGHTS = "weights is required: a Replicate model (owner/name[/version]) or a URL of LoRA weights";

const lorasSchema = z
  .array(
    z.preprocess(
      (lora) => (typeof lora === "string" ? { weights: lora } : lora),
      z.strictObject({
        weights: z.string({ error: WEIGHTS }).min(1, WEIGHTS),
        scale: z.number({ error: "scale must be a number" }).optional(),
      }),
    ),
    { error: "loras must be a list of LoRAs" },
  )
  .min(1, "loras must name at least one LoRA");

/** The request's LoRAs; a 422 naming the bad field when the list is malformed. */
export function parseLoras(value: unknown): Lora[] {
  const parsed = lorasSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const invalidFields = parsed.error.issues.map((issue) => ({
    type: issue.code,
    field: ["input", "loras", ...issue.path.map(String)].join("."),
    description: issue.message,
  }));
  const detail = invalidFields.map((field) => `- ${field.field}: ${field.description}`).join("\n");
  throw new GatewayError("invalid_input", `Input validation failed\n${detail}`, { invalidFields });
}

/** A LoRA under the input names targets take (before their renaming). */
export function loraInput({ weights, scale }: Lora): Record<string, unknown> {
  return { lora_weights: weights, ...(scale !== undefined && { lora_scale: scale }) };
}
