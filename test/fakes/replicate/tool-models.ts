/**
 * Image tools with the input schemas of the real Replicate models gengate's tool aliases run
 * (src/catalog/builtin-models.ts): what each does to its input image is in tool-runs.ts.
 */
import type { Catalog } from "./catalog.ts";
import { type CogField, type CogSignature, cogOpenApiSchema } from "./cog-schema.ts";
import { fixedVersionId } from "./ids.ts";

const imageOutput = { type: "string", format: "uri" };
const uri = (description: string): CogField => ({ type: "string", format: "uri", description });

/** nightmareai/real-esrgan. */
const realEsrgan: CogSignature = {
  fields: {
    image: uri("Input image"),
    scale: { type: "number", description: "Factor to scale image by", default: 4, minimum: 0, maximum: 10 },
    face_enhance: {
      type: "boolean",
      description: "Run GFPGAN face enhancement along with upscaling",
      default: false,
    },
  },
  required: ["image"],
  output: imageOutput,
};

/** tencentarc/gfpgan. */
const gfpgan: CogSignature = {
  fields: {
    img: uri("Input"),
    version: {
      type: "string",
      description: "GFPGAN version. v1.3: better quality. v1.4: more details and better identity.",
      default: "v1.4",
      choices: ["v1.2", "v1.3", "v1.4", "RestoreFormer"],
    },
    scale: { type: "number", description: "Rescaling factor", default: 2 },
  },
  required: ["img"],
  output: imageOutput,
};

const SIDES_64 = Array.from({ length: 16 }, (_, index) => 64 * (index + 1));
const inpaintSide = (name: string): CogField => ({
  type: "integer",
  description: `${name} of generated image in pixels. Needs to be a multiple of 64`,
  default: 512,
  choices: SIDES_64,
});

/** stability-ai/stable-diffusion-inpainting. */
const sdInpainting: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Input prompt", default: "a vision of paradise. unreal engine" },
    negative_prompt: { type: "string", description: "Specify things to not see in the output" },
    image: uri("Initial image to generate variations of. Will be resized to height x width"),
    mask: uri(
      "Black and white image to use as mask for inpainting over the image provided. White pixels are inpainted and black pixels are preserved",
    ),
    height: inpaintSide("Height"),
    width: inpaintSide("Width"),
    num_outputs: {
      type: "integer",
      description: "Number of images to generate.",
      default: 1,
      minimum: 1,
      maximum: 4,
    },
    num_inference_steps: {
      type: "integer",
      description: "Number of denoising steps",
      default: 50,
      minimum: 1,
      maximum: 500,
    },
    guidance_scale: {
      type: "number",
      description: "Scale for classifier-free guidance",
      default: 7.5,
      minimum: 1,
      maximum: 20,
    },
    scheduler: {
      type: "string",
      description: "Choose a scheduler.",
      default: "DPMSolverMultistep",
      choices: ["DDIM", "K_EULER", "DPMSolverMultistep", "K_EULER_ANCESTRAL", "PNDM", "KLMS"],
    },
    seed: { type: "integer", description: "Random seed. Leave blank to randomize the seed" },
    disable_safety_checker: {
      type: "boolean",
      description: "Disable safety checker for generated images.",
      default: false,
    },
  },
  required: ["prompt", "image", "mask"],
  output: { type: "array", items: { type: "string", format: "uri" } },
};

/** bria/remove-background (an official model: it runs by name). */
const briaRemoveBackground: CogSignature = {
  fields: {
    image: uri("Image file"),
    image_url: { type: "string", description: "Image URL" },
    preserve_partial_alpha: {
      type: "boolean",
      description: "Preserve partial alpha values from the original image",
      default: true,
    },
    content_moderation: { type: "boolean", description: "Enable content moderation", default: false },
  },
  output: imageOutput,
};

/** piddnad/ddcolor. */
const ddcolor: CogSignature = {
  fields: {
    image: uri("Grayscale input image."),
    model_size: {
      type: "string",
      description: "Choose the model size.",
      default: "large",
      choices: ["large", "tiny"],
    },
  },
  required: ["image"],
  output: imageOutput,
};

const TOOLS = [
  {
    owner: "nightmareai",
    name: "real-esrgan",
    description: "Real-ESRGAN with optional face correction and adjustable upscale (fake)",
    hardware: "gpu-t4",
    signature: realEsrgan,
    behaviour: "upscale",
  },
  {
    owner: "tencentarc",
    name: "gfpgan",
    description: "Practical face restoration algorithm for old photos or AI-generated faces (fake)",
    hardware: "gpu-t4",
    signature: gfpgan,
    behaviour: "restore-face",
  },
  {
    owner: "stability-ai",
    name: "stable-diffusion-inpainting",
    description: "Fill in masked parts of images with Stable Diffusion (fake)",
    hardware: "gpu-a40-large",
    signature: sdInpainting,
    behaviour: "inpaint",
  },
  {
    owner: "bria",
    name: "remove-background",
    description: "Bria RMBG 2.0, background removal (fake)",
    hardware: "cpu",
    signature: briaRemoveBackground,
    behaviour: "remove-background",
    isOfficial: true,
  },
  {
    owner: "piddnad",
    name: "ddcolor",
    description: "Towards Photo-Realistic Image Colorization via Dual Decoders (fake)",
    hardware: "gpu-a40-small",
    signature: ddcolor,
    behaviour: "colorize",
  },
] as const;

export function addToolModels(catalog: Catalog): void {
  for (const tool of TOOLS) {
    const { owner, name, description, hardware } = tool;
    const isOfficial = "isOfficial" in tool && tool.isOfficial;
    const model = catalog.createModel({
      owner,
      name,
      description,
      hardware,
      visibility: "public",
      isOfficial,
    });
    catalog.addVersion(
      model,
      cogOpenApiSchema(tool.signature),
      tool.behaviour,
      fixedVersionId(`${owner}/${name}`),
    );
  }
}
