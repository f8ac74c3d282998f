/** A ready LoRA's sample images: their URLs, or saved as `<name>-sample-<n>.<ext>`. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ApiClient } from "../api-client.ts";
import { download, extensionOf, outputUrls } from "../prediction-outputs.ts";
import type { LoraJson } from "./lora-json.ts";

export function sampleUrls(lora: LoraJson): string[] {
  return lora.samples.flatMap((sample) => outputUrls(sample.output));
}

export function sampleFiles(lora: LoraJson, dir: string): { url: string; path: string }[] {
  return sampleUrls(lora).map((url, i) => ({
    url,
    path: join(dir, `${lora.name}-sample-${i + 1}${extensionOf(url)}`),
  }));
}

/** Returns the paths saved. */
export async function saveSamples(client: ApiClient, lora: LoraJson, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = sampleFiles(lora, dir);
  for (const { url, path } of files) await download(client, url, path);
  return files.map((file) => file.path);
}
