/** local/remove-background: the image with ISNet's foreground mask as its alpha channel. */
import { encodeImage } from "./encode.ts";
import type { Isnet } from "./isnet.ts";
import type { ToolJob, ToolResult } from "./job.ts";
import { rgbOf, withAlpha } from "./pixels.ts";

type CutoutJob = Extract<ToolJob, { tool: "remove-background" }>;

export async function removeBackground(job: CutoutJob, isnet: Isnet): Promise<ToolResult> {
  const rgb = rgbOf(job.image);
  const mask = await isnet.mask(rgb);
  const image = await encodeImage(withAlpha(rgb, mask), job.format);
  const { width, height } = job.image;
  return {
    files: job.returnMask ? { image, mask: await encodeImage(mask, "png") } : { image },
    logs: `ISNet mask of a ${width}×${height} image (inferred at 1024×1024)\n`,
  };
}
