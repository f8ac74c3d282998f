/**
 * gengate's input for an OpenAI image request: `size` becomes width and height (the catalog
 * adapts them to each target), `n` the number of outputs, and the options a model may honour
 * (`quality` as steps, `style`, `output_format`, `output_compression`) are passed where it takes
 * them and reported as warnings where it does not.
 */
import type { JsonSchema } from "../../providers/provider.ts";
import type { ImageModel } from "./image-model.ts";
import { changesSteps, stepsFor } from "./image-quality.ts";
import { badParam, type ImageRequest, sizeOf } from "./image-request.ts";

/** An edit's input image and mask, as URLs the model can read. */
export interface EditImages {
  image: string;
  mask?: string | undefined;
  /** The image's size: the output's when the request names none. */
  size: { width: number; height: number };
}

export interface ImageInput {
  input: Record<string, unknown>;
  warnings: string[];
}

/** Refuses an edit the model cannot do, before anything is stored. */
export function checkEdit(model: ImageModel, withMask: boolean): void {
  const can = model.capabilities;
  if (!can) return;
  if (!can.referenceImage) throw badParam("image", `${model.name} does not take an input image`);
  if (withMask && !can.mask) {
    throw badParam(
      "mask",
      `${model.name} does not take a mask (capability missing: mask); use an inpainting model`,
    );
  }
}

export function imageInput(request: ImageRequest, model: ImageModel, edit?: EditImages): ImageInput {
  const input: Record<string, unknown> = {};
  const warnings: string[] = [];
  const set = (param: string, value: unknown) => {
    input[model.nameOf(param)] = value;
  };
  /** Sets an option the model takes, else warns that `what` is ignored. */
  const option = (param: string, what: string, value: (schema: JsonSchema) => unknown) => {
    const schema = model.property(param);
    const chosen = schema && value(schema);
    if (chosen === undefined)
      warnings.push(`${what} ignored: ${model.name} has no ${param} input that honours it`);
    else set(param, chosen);
  };

  set("prompt", request.prompt);
  const n = request.n ?? 1;
  const max = model.capabilities?.maxOutputs;
  if (max !== undefined && n > max)
    throw badParam("n", `${model.name} makes at most ${max} images per request`);
  if (n > 1) set("num_outputs", n);
  const size = sizeOf(request) ?? edit?.size;
  if (size) {
    set("width", size.width);
    set("height", size.height);
  }
  if (edit) {
    set("reference_image", edit.image);
    if (edit.mask !== undefined) set("mask", edit.mask);
  }

  const { quality, style, output_format: format, output_compression: compression } = request;
  if (quality && changesSteps(quality))
    option("steps", `quality ${quality}`, (steps) => stepsFor(quality, steps));
  if (style) option("style", `style ${style}`, (schema) => (allows(schema, style) ? style : undefined));
  if (format) {
    option("output_format", `output_format ${format}`, (schema) => {
      const named = format === "jpeg" && allows(schema, "jpg") ? "jpg" : format;
      return allows(schema, named) ? named : undefined;
    });
  }
  if (compression !== undefined)
    option("output_quality", `output_compression ${compression}`, () => compression);
  if (request.background === "transparent")
    warnings.push("background transparent ignored: images are opaque");
  return { input, warnings };
}

/** Whether a parameter's schema allows `value` (any value when it lists none). */
function allows(schema: JsonSchema, value: string): boolean {
  return !Array.isArray(schema.enum) || schema.enum.includes(value);
}
