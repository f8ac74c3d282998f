/** The body of POST /v1/batches, and the idempotency key that lets a rerun find the batch again. */
import { createHash } from "node:crypto";
import { DEFAULT_NAME_TEMPLATE } from "../../core/batch.ts";
import type { BatchFile, BatchItem } from "../../core/batch-file/parse-batch-file.ts";

export { DEFAULT_NAME_TEMPLATE };
export const DEFAULT_MODEL = "sim/image";

/** The command's flags, which win over the batch file's fields. */
export interface BatchFlags {
  model?: string;
  param?: Record<string, unknown>;
  concurrency?: number;
  name?: string;
  webhook?: string;
}

export interface BatchRequestBody {
  model: string;
  input?: Record<string, unknown>;
  items: BatchItem[];
  name_template: string;
  concurrency?: number;
  webhook?: string;
}

export function batchRequestBody(file: BatchFile, flags: BatchFlags): BatchRequestBody {
  const body: BatchRequestBody = {
    model: flags.model ?? file.model ?? DEFAULT_MODEL,
    items: file.items,
    name_template: flags.name ?? file.name_template ?? DEFAULT_NAME_TEMPLATE,
  };
  const input = { ...file.input, ...flags.param };
  if (Object.keys(input).length > 0) body.input = input;
  const concurrency = flags.concurrency ?? file.concurrency;
  if (concurrency !== undefined) body.concurrency = concurrency;
  if (flags.webhook !== undefined) body.webhook = flags.webhook;
  return body;
}

export function idempotencyKey(body: BatchRequestBody): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

/** JSON with the keys of every object sorted, so the same body always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const object = value as Record<string, unknown>;
    const fields = Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value);
}
