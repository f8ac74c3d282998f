/** POST /v1/loras: the photos as multipart files and the command's flags as fields. */
import { openAsBlob } from "node:fs";
import { basename } from "node:path";
import type { ApiClient } from "../api-client.ts";
import type { LoraJson } from "./lora-json.ts";

export interface TrainFlags {
  name: string;
  trigger?: string;
  provider?: string;
  trainer?: string;
  param?: Record<string, unknown>;
  samples?: number;
  webhook?: string;
}

export async function createLora(client: ApiClient, photos: string[], flags: TrainFlags): Promise<LoraJson> {
  return client.request<LoraJson>("POST", "/v1/loras", await loraForm(photos, flags));
}

/** Fields left out take the server's defaults. */
export async function loraForm(photos: string[], flags: TrainFlags): Promise<FormData> {
  const form = new FormData();
  // Blobs backed by the files: fetch streams them from disk instead of holding every photo in memory.
  for (const path of photos) form.append("photos", await openAsBlob(path), basename(path));
  const fields = {
    name: flags.name,
    trigger_word: flags.trigger,
    provider: flags.provider,
    trainer: flags.trainer,
    params: flags.param && JSON.stringify(flags.param),
    samples: flags.samples?.toString(),
    webhook: flags.webhook,
  };
  for (const [field, value] of Object.entries(fields)) {
    if (value !== undefined) form.append(field, value);
  }
  return form;
}
