/**
 * gengate's normalised image parameters and the fal input field each becomes: one table gives
 * both the models' input schema and the translation of an input.
 */
import { type NativeInput, withNativeFields } from "../native-input.ts";
import type { JsonSchema } from "../provider.ts";
import { ASPECT_RATIOS, falImageSize, type ImageSizeInput, MAX_SIDE, MIN_SIDE } from "./image-size.ts";

export const OUTPUT_FORMATS = ["jpg", "png"] as const;
export const MAX_OUTPUTS = 4;

interface Parameter {
  /** gengate's name, in the model's input schema. */
  name: string;
  schema: JsonSchema;
  /** fal's name. */
  fal: string;
  /** fal's value, from the whole input; the input's value as is when absent. */
  value?: (input: Record<string, unknown>) => unknown;
}

const imageSize = (input: Record<string, unknown>) => falImageSize(input as ImageSizeInput);
const side = (title: string) => ({
  type: "integer",
  title,
  description: `${title} of the output image; with only one side given, the other follows the aspect ratio`,
  minimum: MIN_SIDE,
  maximum: MAX_SIDE,
});

const PARAMETERS: Parameter[] = [
  { name: "prompt", fal: "prompt", schema: { type: "string", title: "Prompt", description: "Text prompt" } },
  {
    name: "negative_prompt",
    fal: "negative_prompt",
    schema: {
      type: "string",
      title: "Negative Prompt",
      description: "Things not to show (used by the apps that support it)",
    },
  },
  { name: "width", fal: "image_size", value: imageSize, schema: side("Width") },
  { name: "height", fal: "image_size", value: imageSize, schema: side("Height") },
  {
    name: "aspect_ratio",
    fal: "image_size",
    value: imageSize,
    schema: {
      type: "string",
      title: "Aspect Ratio",
      description: "Aspect ratio of the output when width and height are not both given",
      enum: ASPECT_RATIOS,
    },
  },
  {
    name: "num_outputs",
    fal: "num_images",
    schema: {
      type: "integer",
      title: "Num Outputs",
      description: "Number of images to output",
      default: 1,
      minimum: 1,
      maximum: MAX_OUTPUTS,
    },
  },
  {
    name: "seed",
    fal: "seed",
    schema: { type: "integer", title: "Seed", description: "Random seed. Leave blank to randomize the seed" },
  },
  {
    name: "steps",
    fal: "num_inference_steps",
    schema: {
      type: "integer",
      title: "Steps",
      description: "Number of denoising steps",
      minimum: 1,
      maximum: 50,
    },
  },
  {
    name: "guidance",
    fal: "guidance_scale",
    schema: {
      type: "number",
      title: "Guidance",
      description: "How closely the image follows the prompt",
      minimum: 0,
      maximum: 20,
    },
  },
  {
    name: "output_format",
    fal: "output_format",
    value: (input) => (input.output_format === "jpg" ? "jpeg" : input.output_format),
    schema: {
      type: "string",
      title: "Output Format",
      description: "Format of the output images",
      enum: [...OUTPUT_FORMATS],
    },
  },
];

/**
 * The Cog-style input schema of every fal model; `x-order` follows the table. Fields in fal's
 * own names (`enable_safety_checker`, `image_url`…) pass through to the app.
 */
export const FAL_INPUT_SCHEMA: JsonSchema = {
  type: "object",
  title: "Input",
  required: ["prompt"],
  properties: Object.fromEntries(
    PARAMETERS.map(({ name, schema }, order) => [name, { ...schema, "x-order": order }]),
  ),
  additionalProperties: true,
};

const GENGATE_NAMES: ReadonlySet<string> = new Set(PARAMETERS.map(({ name }) => name));

/**
 * A validated input as fal's input: gengate's parameters translated (those not given are left to
 * the app's defaults), the fields in fal's own names as they are, winning over a translated one.
 */
export function toFalInput(input: Record<string, unknown>): NativeInput {
  const fal: Record<string, unknown> = {};
  for (const { name, fal: falName, value } of PARAMETERS) {
    if (input[name] === undefined) continue;
    fal[falName] = value ? value(input) : input[name];
  }
  return withNativeFields(fal, input, GENGATE_NAMES);
}
