/** The local tools, described the way Cog describes a model version. */
import type { ModelRef } from "../../core/model-ref.ts";
import { findModel } from "../model-lookup.ts";
import type { JsonSchema, ModelDescriptor } from "../provider.ts";
import { cogInput } from "../sim/models.ts";
import { versionIdOf } from "../toolkit/version-id.ts";
import { CUTOUT_FORMATS, UPSCALE_FORMATS, UPSCALE_QUALITIES, type UpscaleQuality } from "./job.ts";
import { CUTOUT_MAX_SIDE, UPSCALE_MAX_SIDE } from "./limits.ts";

const VERSION_CREATED_AT = "2026-11-23T00:00:00.000Z";
const INPUT_FORMATS = "JPEG, PNG, WebP, GIF, TIFF or AVIF";

const side = (n: number) => `${n}×${n}`;
const uri = { type: "string", format: "uri" };

const cutoutInput = cogInput(["image"], {
  image: {
    ...uri,
    title: "Image",
    description: `Image to cut out (${INPUT_FORMATS}), of at most ${side(CUTOUT_MAX_SIDE)} pixels (in any shape)`,
  },
  return_mask: {
    type: "boolean",
    title: "Return Mask",
    description: "Also return the foreground mask as a greyscale PNG (white is the object)",
    default: false,
  },
  output_format: {
    type: "string",
    title: "Output Format",
    description: "Format of the cut-out image, with transparency",
    default: "png",
    enum: [...CUTOUT_FORMATS],
  },
});

const caps = (quality: UpscaleQuality) =>
  `${quality} ${side(UPSCALE_MAX_SIDE[quality][2])} at ×2, ${side(UPSCALE_MAX_SIDE[quality][4])} at ×4`;
const upscaleInput = cogInput(["image"], {
  image: {
    ...uri,
    title: "Image",
    description: `Image to enlarge (${INPUT_FORMATS}); the most pixels it may have (in any shape): ${UPSCALE_QUALITIES.map(caps).join("; ")}`,
  },
  scale: { type: "integer", title: "Scale", description: "Enlargement factor", default: 2, enum: [2, 4] },
  quality: {
    type: "string",
    title: "Quality",
    description:
      "balanced: ESRGAN slim; quality: ESRGAN medium, about 3 times slower and slightly crisper; fast: Lanczos resampling, no model (well under a second)",
    default: "balanced",
    enum: [...UPSCALE_QUALITIES],
  },
  output_format: {
    type: "string",
    title: "Output Format",
    description: "Format of the output image",
    default: "png",
    enum: [...UPSCALE_FORMATS],
  },
});

const cutoutOutput: JsonSchema = {
  type: "object",
  title: "Output",
  required: ["image"],
  properties: {
    image: { ...uri, title: "Image" },
    mask: { ...uri, title: "Mask" },
  },
};

function describe(
  name: string,
  description: string,
  inputSchema: JsonSchema,
  outputSchema: JsonSchema,
  formats: readonly string[],
): ModelDescriptor {
  const versionId = versionIdOf(["local", inputSchema, outputSchema]);
  return {
    owner: "local",
    name,
    description,
    versionId,
    versionCreatedAt: VERSION_CREATED_AT,
    inputSchema,
    outputSchema,
    capabilities: { referenceImage: true, formats: [...formats] },
    providerModel: name,
  };
}

export const LOCAL_MODELS: readonly ModelDescriptor[] = [
  describe(
    "remove-background",
    "Removes the background of an image with ISNet (DIS), run on this machine's CPU: a PNG with transparency, and the mask on request.",
    cutoutInput,
    cutoutOutput,
    CUTOUT_FORMATS,
  ),
  describe(
    "upscale",
    "Enlarges an image 2 or 4 times with ESRGAN (UpscalerJS slim or medium) on this machine's CPU, or with Lanczos resampling.",
    upscaleInput,
    { ...uri, title: "Output" },
    UPSCALE_FORMATS,
  ),
];

export function findLocalModel(ref: ModelRef): ModelDescriptor | null {
  return findModel(LOCAL_MODELS, ref);
}
