/**
 * gengate's input for an OpenAI image request: `size` becomes width and height (the catalog
 * adapts them to each target), `n` the number of outputs (or of predictions, for a model that
 * makes one image a request), and the options a model may honour
 * (`quality` as steps, `style`, `output_format`, `output_compression`, a model's own parameters)
 * are passed where it takes them and otherwise dropped, named as warnings and in
 * x-gengate-dropped-params. What the client relies on (`n` above what the model makes at once, a
 * transparent background, an input image or mask) is refused when the model cannot do it.
 */
import type { JsonSchema } from "../../providers/provider.ts";
import type { ImageModel } from "./image-model.ts";
import { changesSteps, stepsFor } from "./image-quality.ts";
import { extraParams, type ImageRequest, SERVICE_ONLY, sizeOf } from "./image-request.ts";
import { unsupportedParam } from "./openai-error.ts";

/** An edit's input image and mask, as URLs the model can read. */
export interface EditImages {
  image: string;
  mask?: string | undefined;
  /** The image's size: the output's when the request names none. */
  size: { width: number; height: number };
}

export type ImageFormat = "png" | "jpeg" | "webp";

export interface ImageInput {
  input: Record<string, unknown>;
  warnings: string[];
  /** Parameters left out, for x-gengate-dropped-params. */
  dropped: string[];
  /** Inline images are converted to this format (at this quality) when the model made another. */
  encode: { format: ImageFormat; quality?: number };
  /** How many predictions make the images: `n` for a model that makes one a request, else 1. */
  predictions: number;
}

/** Refuses an edit the model cannot do, before anything is stored. */
export function checkEdit(model: ImageModel, withMask: boolean): void {
  const can = model.capabilities;
  if (!can) return;
  if (!can.referenceImage) throw unsupportedParam("image", `${model.name} does not take an input image`);
  if (withMask && !can.mask) {
    throw unsupportedParam(
      "mask",
      `${model.name} does not take a mask (capability missing: mask); use an inpainting model`,
    );
  }
}

export function imageInput(request: ImageRequest, model: ImageModel, edit?: EditImages): ImageInput {
  const input: Record<string, unknown> = {};
  const warnings: string[] = [];
  const dropped: string[] = [];
  const set = (param: string, value: unknown) => {
    input[model.nameOf(param)] = value;
  };
  const drop = (param: string, why: string) => {
    dropped.push(param);
    warnings.push(why);
  };
  /** Sets an option the model takes, else drops `param` saying that `what` is ignored. */
  const option = (param: string, what: string, name: string, value: (schema: JsonSchema) => unknown) => {
    const schema = model.property(name);
    const chosen = schema && value(schema);
    if (chosen === undefined)
      drop(param, `${what} ignored: ${model.name} has no ${name} input that honours it`);
    else set(name, chosen);
  };

  // Ignoring these would hand the client something other than it asked for.
  if (request.stream === true)
    throw unsupportedParam("stream", "stream is not supported: images are answered when they are done");
  if (request.background === "transparent") {
    throw unsupportedParam(
      "background",
      `background transparent is not supported: ${model.name} makes opaque images`,
    );
  }

  set("prompt", request.prompt);
  const n = request.n ?? 1;
  const max = model.capabilities?.maxOutputs;
  // A model that cannot be asked for several images would silently make one: it runs n times.
  const onePerRequest =
    max === 1 || (model.capabilities !== undefined && max === undefined && !model.property("num_outputs"));
  if (!onePerRequest && max !== undefined && n > max)
    throw unsupportedParam("n", `${model.name} makes at most ${max} images per request`);
  if (n > 1 && !onePerRequest) set("num_outputs", n);
  const size = sizeOf(request) ?? edit?.size;
  if (size) {
    set("width", size.width);
    set("height", size.height);
  }
  if (edit) {
    set("reference_image", edit.image);
    if (edit.mask !== undefined) set("mask", edit.mask);
  }

  const { quality, style, output_compression: compression } = request;
  if (quality && changesSteps(quality))
    option("quality", `quality ${quality}`, "steps", (steps) => stepsFor(quality, steps));
  if (style)
    option("style", `style ${style}`, "style", (schema) => (allows(schema, style) ? style : undefined));
  const encode = outputFormat(request, model, set, drop);
  if (compression !== undefined) {
    // A converted image is encoded at this quality; otherwise only the model can honour it.
    if (model.property("output_quality")) set("output_quality", compression);
    else if (request.response_format === "b64_json" && encode.format !== "png") encode.quality = compression;
    else
      drop(
        "output_compression",
        `output_compression ${compression} ignored: ${model.name} has no output_quality input`,
      );
  }
  for (const name of SERVICE_ONLY) {
    if (request[name] !== undefined) drop(name, `${name} ignored: gengate does not act on it`);
  }
  for (const [name, value] of Object.entries(extraParams(request))) {
    // A model's own parameter never overrides what gengate made of OpenAI's (`width`, `image`…).
    if (model.property(name) && !(model.nameOf(name) in input)) set(name, value);
    else drop(name, `${name} ignored: ${model.name} does not take it here`);
  }
  return { input, warnings, dropped, encode, predictions: onePerRequest ? n : 1 };
}

/**
 * PNG unless the client asks for another format, as OpenAI does: asked of a model that takes
 * `output_format`; otherwise inline images are converted, and linked ones stay as the model made them.
 */
function outputFormat(
  request: ImageRequest,
  model: ImageModel,
  set: (param: string, value: unknown) => void,
  drop: (param: string, why: string) => void,
): ImageInput["encode"] {
  const format = request.output_format ?? "png";
  const schema = model.property("output_format");
  const named = format === "jpeg" && schema && allows(schema, "jpg") ? "jpg" : format;
  if (schema && allows(schema, named)) set("output_format", named);
  else if (request.response_format !== "b64_json" && request.output_format !== undefined)
    drop(
      "output_format",
      `output_format ${format} ignored: ${model.name} has no output_format input that makes it`,
    );
  return { format };
}

/** Whether a parameter's schema allows `value` (any value when it lists none). */
function allows(schema: JsonSchema, value: string): boolean {
  return !Array.isArray(schema.enum) || schema.enum.includes(value);
}
