/** A batch as the API shows it: counts, cost so far, and each item with its named output files. */

import type { Batch, BatchItemRequest, BatchStatus } from "./batch.ts";
import type { Links } from "./links.ts";
import { fileName, type NameTemplate, parseNameTemplate } from "./name-template.ts";
import { isFileRef } from "./output.ts";
import type { Prediction } from "./prediction.ts";

export const ITEM_STATUSES = ["queued", "starting", "processing", "succeeded", "failed", "canceled"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export type BatchCounts = Record<ItemStatus | "total", number>;

export interface BatchItemJson {
  index: number;
  model: string;
  output_path: string | null;
  metadata: Record<string, unknown> | null;
  status: ItemStatus;
  prediction_id: string;
  error: string | null;
  outputs: { name: string; url: string }[];
  /** A text model's output. */
  text?: string;
}

export interface BatchCostJson {
  usd: number;
  unpriced_items: number;
}

export interface BatchJson {
  id: string;
  status: BatchStatus;
  created_at: string;
  completed_at: string | null;
  name_template: string;
  concurrency: number | null;
  counts: BatchCounts;
  cost: BatchCostJson;
  items?: BatchItemJson[];
  urls: Record<"get" | "events" | "cancel" | "retry" | "archive", string>;
}

export interface ItemPrediction extends BatchItemRequest {
  prediction: Prediction;
}

export function itemStatus(prediction: Prediction): ItemStatus {
  switch (prediction.state) {
    case "queued":
      return "queued";
    case "submitting":
    case "unconfirmed":
      return "starting";
    case "running":
      return prediction.upstreamPhase ?? "starting";
    default:
      return prediction.state;
  }
}

export function countItems(items: readonly ItemPrediction[]): BatchCounts {
  const counts = Object.fromEntries(ITEM_STATUSES.map((status) => [status, 0])) as BatchCounts;
  counts.total = items.length;
  for (const { prediction } of items) counts[itemStatus(prediction)]++;
  return counts;
}

/** The storage keys of an output's files, in output order. */
function fileKeys(output: unknown): string[] {
  if (isFileRef(output)) return [output.$file];
  if (Array.isArray(output)) return output.flatMap(fileKeys);
  if (typeof output === "object" && output !== null) return Object.values(output).flatMap(fileKeys);
  return [];
}

function textOf(output: unknown): string | undefined {
  if (typeof output === "string") return output;
  if (Array.isArray(output) && output.every((part) => typeof part === "string")) return output.join("");
  return undefined;
}

/** Each output file of a succeeded item with its name (its own path, or the template's) and storage key. */
export function namedOutputs(template: NameTemplate, item: ItemPrediction): { name: string; key: string }[] {
  if (item.prediction.state !== "succeeded") return [];
  const keys = fileKeys(item.prediction.output);
  return keys.map((key, i) => ({
    key,
    name: fileName(template, item, {
      output: i + 1,
      outputs: keys.length,
      ext: key.slice(key.lastIndexOf(".") + 1),
    }),
  }));
}

export function toItemJson(template: NameTemplate, item: ItemPrediction, links: Links): BatchItemJson {
  const { prediction } = item;
  const outputs = namedOutputs(template, item).map(({ name, key }) => ({
    name,
    url: links.file(key),
  }));
  const json: BatchItemJson = {
    index: item.index,
    model: item.model,
    output_path: item.outputPath ?? null,
    metadata: item.metadata ?? null,
    status: itemStatus(prediction),
    prediction_id: prediction.id,
    error: prediction.error,
    outputs,
  };
  const text =
    outputs.length === 0 && prediction.state === "succeeded" ? textOf(prediction.output) : undefined;
  if (text !== undefined) json.text = text;
  return json;
}

export function batchUrls(id: string, baseUrl: string): BatchJson["urls"] {
  const api = `${baseUrl}/v1/batches/${id}`;
  return {
    get: api,
    events: `${api}/events`,
    cancel: `${api}/cancel`,
    retry: `${api}/retry`,
    archive: `${api}/archive`,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The batch JSON; `withItems: false` leaves out the per-item list (progress events, webhooks of huge batches). */
export function toBatchJson(
  batch: Batch,
  items: readonly ItemPrediction[],
  cost: BatchCostJson,
  links: Links,
  withItems = true,
): BatchJson {
  const json: BatchJson = {
    id: batch.id,
    status: batch.status,
    created_at: new Date(batch.createdAt).toISOString(),
    completed_at: iso(batch.completedAt),
    name_template: batch.nameTemplate,
    concurrency: batch.concurrency,
    counts: countItems(items),
    cost,
    urls: batchUrls(batch.id, links.base),
  };
  if (withItems) {
    const template = parseNameTemplate(batch.nameTemplate);
    json.items = items.map((item) => toItemJson(template, item, links));
  }
  return json;
}
