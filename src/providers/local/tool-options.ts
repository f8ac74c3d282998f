/** A start request's input, already checked against the model's schema, as a tool's options. */
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { invalidFieldsOf } from "../../core/zod-issues.ts";
import { CUTOUT_FORMATS, type ToolOptions, UPSCALE_FORMATS, UPSCALE_QUALITIES } from "./job.ts";

export interface ToolRequest {
  options: ToolOptions;
  /** The input image's URL (data URL, gengate file URL or remote URL). */
  imageUrl: string;
}

const image = z.string().min(1);

const cutoutInput = z
  .object({
    image,
    return_mask: z.boolean().default(false),
    output_format: z.enum(CUTOUT_FORMATS).default("png"),
  })
  .transform(
    (input): ToolRequest => ({
      options: { tool: "remove-background", returnMask: input.return_mask, format: input.output_format },
      imageUrl: input.image,
    }),
  );

const upscaleInput = z
  .object({
    image,
    scale: z.union([z.literal(2), z.literal(4)]).default(2),
    quality: z.enum(UPSCALE_QUALITIES).default("balanced"),
    output_format: z.enum(UPSCALE_FORMATS).default("png"),
  })
  .transform(
    (input): ToolRequest => ({
      options: { tool: "upscale", scale: input.scale, quality: input.quality, format: input.output_format },
      imageUrl: input.image,
    }),
  );

const SCHEMAS: Record<string, z.ZodType<ToolRequest>> = {
  "remove-background": cutoutInput,
  upscale: upscaleInput,
};

/** What the model `providerModel` is asked to do by `input`. */
export function toolRequestOf(providerModel: string, input: Record<string, unknown>): ToolRequest {
  const schema = SCHEMAS[providerModel];
  if (!schema)
    throw new GatewayError("not_found", `the local provider has no model "${providerModel}"`, {
      retryable: false,
    });
  // Wrapped so that each issue's path starts with "input".
  const parsed = z.object({ input: schema }).safeParse({ input });
  if (parsed.success) return parsed.data.input;
  const invalidFields = invalidFieldsOf(parsed.error, "input");
  const first = invalidFields[0];
  throw new GatewayError("invalid_input", `${first?.field}: ${first?.description}`, { invalidFields });
}
