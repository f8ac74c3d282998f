/**
 * The input checks of the fake's text-to-image apps, reported the way fal's (pydantic) models
 * report them: `{ detail: [{ loc, msg, type }] }` with HTTP 422.
 */

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export const IMAGE_SIZE_PRESETS: Record<string, { width: number; height: number }> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
};

const MAX_SIDE = 2048;

const isInt = (value: unknown, min: number, max: number) =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

const CHECKS: Record<string, (value: unknown) => Omit<ValidationIssue, "loc"> | null> = {
  prompt: (value) =>
    typeof value === "string" && value.length > 0
      ? null
      : { msg: "field required", type: "value_error.missing" },
  negative_prompt: (value) =>
    typeof value === "string" ? null : { msg: "str type expected", type: "type_error.str" },
  image_size: (value) => {
    if (typeof value === "string")
      return value in IMAGE_SIZE_PRESETS
        ? null
        : {
            msg: `value is not a valid enumeration member; permitted: ${Object.keys(IMAGE_SIZE_PRESETS).join(", ")}`,
            type: "type_error.enum",
          };
    const size = value as { width?: unknown; height?: unknown } | null;
    return typeof size === "object" &&
      size !== null &&
      isInt(size.width, 16, MAX_SIDE) &&
      isInt(size.height, 16, MAX_SIDE)
      ? null
      : { msg: `width and height must be integers from 16 to ${MAX_SIDE}`, type: "value_error" };
  },
  num_images: (value) =>
    isInt(value, 1, 4) ? null : { msg: "ensure this value is between 1 and 4", type: "value_error.number" },
  num_inference_steps: (value) =>
    isInt(value, 1, 50) ? null : { msg: "ensure this value is between 1 and 50", type: "value_error.number" },
  guidance_scale: (value) =>
    typeof value === "number" && value >= 0 && value <= 20
      ? null
      : { msg: "ensure this value is between 0 and 20", type: "value_error.number" },
  seed: (value) =>
    Number.isInteger(value) ? null : { msg: "value is not a valid integer", type: "type_error.integer" },
  output_format: (value) =>
    value === "jpeg" || value === "png"
      ? null
      : { msg: "value is not a valid enumeration member; permitted: 'jpeg', 'png'", type: "type_error.enum" },
};

/** The issues of an input; unknown fields are ignored, as fal's models do. */
export function checkInput(input: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [field, check] of Object.entries(CHECKS)) {
    const value = input[field];
    if (value === undefined && field !== "prompt") continue;
    const issue = check(value);
    if (issue) issues.push({ loc: ["body", field], ...issue });
  }
  return issues;
}
