/**
 * The fields of OpenAI's image requests, checked the way OpenAI checks them: a 400 naming the
 * `param`. Multipart forms send numbers and booleans as text, so those are read from text too.
 */
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { invalidFieldsOf } from "../../core/zod-issues.ts";
import { MAX_N, nMessage } from "./choices.ts";

const nullToAbsent = (value: unknown) => (value === null ? undefined : value);
const fromText = (value: unknown) => {
  if (value === "true" || value === "false") return value === "true";
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : nullToAbsent(value);
};
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(nullToAbsent, schema.optional());
/** A number or boolean, which a form sends as text. */
const optionalScalar = <T extends z.ZodType>(schema: T) => z.preprocess(fromText, schema.optional());
const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  optional(z.enum(values, { error: `${name} must be one of ${values.join(", ")}` }));

export const imageRequestSchema = z.looseObject({
  prompt: z.string({ error: "prompt is required" }).min(1, "prompt must not be empty"),
  model: optional(z.string({ error: "model must be a string" }).min(1, "model must not be empty")),
  n: optionalScalar(
    z.int({ error: "n must be a whole number" }).min(1, "n must be at least 1").max(MAX_N, nMessage),
  ),
  size: optional(
    z
      .string({ error: "size must be a string" })
      .regex(/^(auto|[1-9]\d*x[1-9]\d*)$/, 'size must be "auto" or "<width>x<height>", e.g. "1024x1024"'),
  ),
  response_format: oneOf("response_format", ["url", "b64_json"]),
  quality: oneOf("quality", ["auto", "standard", "low", "medium", "high", "hd", "xhigh", "max"]),
  style: oneOf("style", ["vivid", "natural"]),
  output_format: oneOf("output_format", ["png", "jpeg", "webp"]),
  output_compression: optionalScalar(
    z
      .int({ error: "output_compression must be a whole number" })
      .min(0, "output_compression is 0 to 100")
      .max(100, "output_compression is 0 to 100"),
  ),
  background: oneOf("background", ["auto", "transparent", "opaque"]),
  stream: optionalScalar(z.boolean({ error: "stream must be a boolean" })),
  // Parameters that change nothing gengate makes: named in x-gengate-dropped-params when sent.
  partial_images: optionalScalar(z.int({ error: "partial_images must be a whole number" }).min(0).max(3)),
  moderation: oneOf("moderation", ["low", "auto"]),
  input_fidelity: oneOf("input_fidelity", ["high", "low"]),
  user: optional(z.string({ error: "user must be a string" })),
});

/** OpenAI's parameters gengate acts on in no model (each is named in x-gengate-dropped-params). */
export const SERVICE_ONLY = ["partial_images", "moderation", "input_fidelity", "user"] as const;

const KNOWN = new Set(Object.keys(imageRequestSchema.shape));

/** The parameters of a request that are not OpenAI's (a model's own, such as `guidance`). */
export function extraParams(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([name]) => !KNOWN.has(name)));
}

export type ImageRequest = z.infer<typeof imageRequestSchema>;

export type Quality = NonNullable<ImageRequest["quality"]>;

/** The request, or a 400 naming the first wrong field as OpenAI's `param`. */
export function parseImageRequest(body: unknown): ImageRequest {
  const parsed = imageRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const invalidFields = invalidFieldsOf(parsed.error, "body");
  const message = invalidFields.map((field) => field.description).join("; ");
  throw new GatewayError("bad_request", message, { invalidFields });
}

/** `"<width>x<height>"` as numbers; undefined for `auto` or no size. */
export function sizeOf(request: ImageRequest): { width: number; height: number } | undefined {
  if (request.size === undefined || request.size === "auto") return undefined;
  const [width, height] = request.size.split("x").map(Number) as [number, number];
  return { width, height };
}
