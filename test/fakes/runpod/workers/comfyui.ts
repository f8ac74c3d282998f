/**
 * worker-comfyui ≥ 5: `{workflow, images?}` in, `{images: [{filename, type, data}]}` out, `data`
 * being base64 or, with a bucket configured, a URL (reference A.11). The fake reads the graph's
 * EmptyLatentImage (size, batch), KSampler (seed) and positive CLIPTextEncode (prompt) nodes and
 * makes `batch_size` images per SaveImage node.
 */
import { z } from "zod";
import { makeImage, randomSeed } from "../images.ts";
import type { FakeWorker } from "./worker.ts";

const node = z.looseObject({ class_type: z.string(), inputs: z.record(z.string(), z.unknown()).default({}) });
const jobInput = z.looseObject({
  workflow: z.record(z.string(), node),
  images: z.array(z.object({ name: z.string(), image: z.string() })).optional(),
});
type Node = z.infer<typeof node>;

const latent = z.looseObject({
  width: z.int().positive().default(512),
  height: z.int().positive().default(512),
  batch_size: z.int().positive().max(16).default(1),
});
const sampler = z.looseObject({ seed: z.int().nonnegative().optional(), positive: z.unknown() });

function firstOf(nodes: Node[], type: string): Node | undefined {
  return nodes.find((n) => n.class_type === type);
}

/** The text of the CLIPTextEncode node a KSampler input links to (`[nodeId, slot]`). */
function linkedText(workflow: Record<string, Node>, link: unknown): string {
  const id = Array.isArray(link) ? String(link[0]) : "";
  const text = workflow[id]?.inputs.text;
  return typeof text === "string" ? text : "";
}

export const comfyuiWorker: FakeWorker = async (input, { endpoint, files }) => {
  if (typeof input !== "object" || input === null || !("workflow" in input))
    return { error: "Missing 'workflow' parameter" };
  const parsed = jobInput.safeParse(input);
  if (!parsed.success) return { error: `Invalid 'workflow': ${parsed.error.issues[0]?.message}` };
  const workflow = parsed.data.workflow;
  const nodes = Object.values(workflow);
  const size = latent.safeParse(firstOf(nodes, "EmptyLatentImage")?.inputs ?? {});
  const ks = sampler.safeParse(firstOf(nodes, "KSampler")?.inputs ?? {});
  if (!size.success || !ks.success) return { error: "Workflow validation failed: bad node inputs" };
  const saves = nodes.filter((n) => n.class_type === "SaveImage");
  if (saves.length === 0) return { output: { status: "success_no_images", images: [] } };
  const prompt = linkedText(workflow, ks.data.positive);
  const seed = ks.data.seed ?? randomSeed();
  const images: Array<{ filename: string; type: string; data: string }> = [];
  for (const save of saves) {
    const prefix = typeof save.inputs.filename_prefix === "string" ? save.inputs.filename_prefix : "ComfyUI";
    for (let index = 0; index < size.data.batch_size; index++) {
      const data = await makeImage({ ...size.data, format: "png", prompt, seed, index: images.length });
      const filename = `${prefix}_${String(images.length + 1).padStart(5, "0")}_.png`;
      images.push(
        endpoint.comfyOutput === "s3_url"
          ? { filename, type: "s3_url", data: files.put(data, filename) }
          : { filename, type: "base64", data: data.toString("base64") },
      );
    }
  }
  return { output: { images } };
};
