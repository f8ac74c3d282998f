/**
 * replicate/all-mpnet-base-v2, the embedding model Replicate publishes, with its input schema:
 * one `text`, or `text_batch`, a JSON list of strings; its output is a list of `{ embedding }`,
 * one 768-number vector per text.
 */
import { createHash } from "node:crypto";
import type { Catalog } from "./catalog.ts";
import { type CogSignature, cogOpenApiSchema } from "./cog-schema.ts";
import { fixedVersionId } from "./ids.ts";
import { finishLater, type RunDeps } from "./model-runs.ts";
import type { PredictionRecord } from "./prediction-store.ts";

const DIMENSIONS = 768;

const mpnet: CogSignature = {
  fields: {
    text: { type: "string", description: "A single string to encode." },
    text_batch: { type: "string", description: "A JSON-formatted list of strings to encode." },
  },
  output: {
    type: "array",
    items: {
      type: "object",
      properties: { embedding: { type: "array", items: { type: "number" } } },
    },
  },
};

export function addEmbeddingModels(catalog: Catalog): void {
  const model = catalog.createModel({
    owner: "replicate",
    name: "all-mpnet-base-v2",
    description: "all-mpnet-base-v2 (fake)",
    visibility: "public",
    hardware: "gpu-t4",
    isOfficial: false,
  });
  catalog.addVersion(model, cogOpenApiSchema(mpnet), "embed", fixedVersionId("replicate/all-mpnet-base-v2"));
}

/** A unit vector that depends only on the text. */
function vectorOf(text: string): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < DIMENSIONS; block++) {
    const digest = createHash("sha256").update(`${block}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && values.length < DIMENSIONS; i += 2)
      values.push(digest.readInt16LE(i) / 32768);
  }
  const length = Math.hypot(...values);
  return values.map((value) => value / length);
}

export function runEmbedding(record: PredictionRecord, input: Record<string, unknown>, deps: RunDeps): void {
  const texts =
    typeof input.text_batch === "string" ? (JSON.parse(input.text_batch) as string[]) : [String(input.text)];
  finishLater(deps.lifecycle, record, deps.runMs(), () =>
    deps.lifecycle.complete(
      record,
      texts.map((text) => ({ embedding: vectorOf(text) })),
    ),
  );
}
