/** Batch files in JSON (an array of items, or an object with `items`) and JSON Lines (an item a line). */
import { type BatchFile, type BatchItem, fileError, isObject } from "./batch-file-items.ts";

const FILE_FIELDS = new Set(["items", "model", "input", "name_template", "concurrency"]);

export function jsonBatchFile(text: string, file: string): BatchFile {
  const value = parseJson(text, file);
  if (Array.isArray(value)) return { items: value.map((item, i) => itemFrom(item, `${file} item ${i + 1}`)) };
  if (!isObject(value) || !Array.isArray(value.items)) {
    throw fileError(file, 'must be an array of items or an object with an "items" array');
  }
  const unknown = Object.keys(value).find((key) => !FILE_FIELDS.has(key));
  if (unknown !== undefined) throw fileError(file, `unknown field "${unknown}"`);
  const { items, model, input, name_template, concurrency } = value;
  const batch: BatchFile = { items: items.map((item, i) => itemFrom(item, `${file} item ${i + 1}`)) };
  if (model !== undefined) batch.model = nonEmptyString(model, file, "model");
  if (name_template !== undefined) batch.name_template = nonEmptyString(name_template, file, "name_template");
  if (input !== undefined) {
    if (!isObject(input)) throw fileError(file, '"input" must be an object');
    batch.input = input;
  }
  if (concurrency !== undefined) {
    if (!Number.isInteger(concurrency) || (concurrency as number) < 1) {
      throw fileError(file, '"concurrency" must be a positive integer');
    }
    batch.concurrency = concurrency as number;
  }
  return batch;
}

export function jsonLinesItems(text: string, file: string): BatchItem[] {
  return text.split(/\r?\n/).flatMap((line, i) => {
    if (line.trim() === "") return [];
    const where = `${file} line ${i + 1}`;
    return [itemFrom(parseJson(line, where), where)];
  });
}

/**
 * `{ model?, input, output_path?, metadata? }` when there is an `input` object; otherwise the object
 * is the input, less its `model`, `output_path` and `metadata`.
 */
function itemFrom(value: unknown, where: string): BatchItem {
  if (!isObject(value)) throw fileError(where, "an item must be a JSON object");
  if (isObject(value.input)) {
    const { model, input, output_path, metadata, ...rest } = value;
    const stray = Object.keys(rest)[0];
    if (stray !== undefined) throw fileError(where, `"${stray}" beside "input": put it inside "input"`);
    return withExtras({ model, output_path, metadata }, input, where);
  }
  const { model, output_path, metadata, ...input } = value;
  return withExtras({ model, output_path, metadata }, input, where);
}

function withExtras(
  { model, output_path, metadata }: Record<"model" | "output_path" | "metadata", unknown>,
  input: Record<string, unknown>,
  where: string,
): BatchItem {
  const item: BatchItem = { input };
  if (model !== undefined) item.model = nonEmptyString(model, where, "model");
  if (output_path !== undefined) item.output_path = nonEmptyString(output_path, where, "output_path");
  if (metadata !== undefined) {
    if (!isObject(metadata)) throw fileError(where, '"metadata" must be an object');
    item.metadata = metadata;
  }
  return item;
}

function nonEmptyString(value: unknown, where: string, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw fileError(where, `"${field}" must be a non-empty string`);
  }
  return value;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fileError(where, `not valid JSON: ${(error as Error).message}`);
  }
}
