/** What a finished text-to-image job returns: real (small, single-colour) images on the file origin. */
import { createHash, randomBytes, randomInt } from "node:crypto";
import sharp from "sharp";
import { IMAGE_SIZE_PRESETS } from "./input-check.ts";
import type { FakeJob } from "./jobs.ts";

export interface StoredFile {
  data: Buffer;
  contentType: string;
}

export interface FalImage {
  url: string;
  width: number;
  height: number;
  content_type: string;
  file_name: string;
  file_size: number;
}

export interface FalImageOutput {
  images: FalImage[];
  seed: number;
  prompt: string;
  has_nsfw_concepts: boolean[];
  timings: { inference: number };
}

const DEFAULT_SIZE = "landscape_4_3";

function sizeOf(imageSize: unknown): { width: number; height: number } {
  if (typeof imageSize === "object" && imageSize !== null)
    return imageSize as { width: number; height: number };
  const preset = IMAGE_SIZE_PRESETS[typeof imageSize === "string" ? imageSize : DEFAULT_SIZE];
  return preset ?? { width: 1024, height: 768 };
}

/**
 * Renders the job's images into `files` (keyed by URL path) and returns the model output; a
 * `flagged` job's first image is black, as fal's safety checker leaves an image it flags.
 */
export async function renderOutput(
  job: FakeJob,
  filesUrl: string,
  files: Map<string, StoredFile>,
  flagged = false,
): Promise<FalImageOutput> {
  const { input } = job;
  const prompt = String(input.prompt);
  const seed = Number.isInteger(input.seed) ? (input.seed as number) : randomInt(2 ** 31);
  const { width, height } = sizeOf(input.image_size);
  const format = input.output_format === "png" ? "png" : "jpeg";
  const count = Number.isInteger(input.num_images) ? (input.num_images as number) : 1;
  const folder = randomBytes(6).toString("hex");
  const images: FalImage[] = [];
  for (let index = 0; index < count; index++) {
    const [r = 0, g = 0, b = 0] =
      flagged && index === 0
        ? [0, 0, 0]
        : createHash("sha256").update(`${prompt}\n${seed}\n${index}`).digest();
    const image = sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
    const data = await (format === "png" ? image.png() : image.jpeg()).toBuffer();
    const fileName = `${job.requestId}-${index}.${format === "png" ? "png" : "jpg"}`;
    const path = `/files/${folder}/${fileName}`;
    const contentType = `image/${format}`;
    files.set(path, { data, contentType });
    images.push({
      url: `${filesUrl}${path}`,
      width,
      height,
      content_type: contentType,
      file_name: fileName,
      file_size: data.length,
    });
  }
  return {
    images,
    seed,
    prompt,
    has_nsfw_concepts: images.map((_, index) => flagged && index === 0),
    timings: { inference: (job.endsAt - job.startsAt) / 1000 },
  };
}
