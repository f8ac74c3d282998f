/**
 * The embedding model an embeddings request names, and how it takes its texts: read from its
 * input schema, after Replicate's embedding models (`text`, a JSON list in `text_batch`, or a
 * `texts` array; `dimensions` when it can shorten its vectors).
 */
import type { Engine } from "../../engine/engine.ts";
import type { JsonSchema, ModelDescriptor } from "../../providers/provider.ts";
import { aliasNamed, engineModelOf, firstTargetModel, providerModelNamed } from "./models.ts";
import { paramError, unsupportedParam } from "./openai-error.ts";

export interface EmbeddingModel {
  /** As engine.submit takes it. */
  ref: string;
  /** The model's input for these texts (and vector length, when the client asked one). */
  input(texts: string[], dimensions: number | undefined): Record<string, unknown>;
}

export async function embeddingModelOf(name: string, engine: Engine): Promise<EmbeddingModel> {
  const alias = aliasNamed(name, engine.catalog);
  const model = alias
    ? await firstTargetModel(alias, engine)
    : await providerModelNamed(name, engine.providers);
  if (!model)
    throw paramError(
      "model",
      `The model '${name}' cannot be described: its provider is not configured or does not answer`,
    );
  const properties = (model.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  // An alias may rename gengate's fields for its first target, or leave one out (null).
  const params: Record<string, string | null> = alias?.targets[0]?.params ?? {};
  const takes = (field: string, type: string) => {
    const own = field in params ? params[field] : field;
    return own != null && properties[own]?.type === type;
  };
  const textsInput = textsInputOf(name, model, takes);
  return {
    ref: engineModelOf(name, engine.catalog),
    input(texts, dimensions) {
      const input = textsInput(texts);
      if (dimensions === undefined) return input;
      if (!takes("dimensions", "integer"))
        throw unsupportedParam(
          "dimensions",
          `The model '${name}' makes vectors of one length only ('dimensions')`,
        );
      return { ...input, dimensions };
    },
  };
}

function textsInputOf(
  name: string,
  model: ModelDescriptor,
  takes: (field: string, type: string) => boolean,
): (texts: string[]) => Record<string, unknown> {
  if (!model.capabilities.streaming) {
    if (takes("text_batch", "string")) return (texts) => ({ text_batch: JSON.stringify(texts) });
    if (takes("texts", "array")) return (texts) => ({ texts });
    if (takes("text", "string")) {
      return (texts) => {
        if (texts.length > 1)
          throw unsupportedParam("input", `The model '${name}' embeds one text per request; send one string`);
        return { text: texts[0] };
      };
    }
  }
  throw paramError(
    "model",
    `The model '${name}' does not make embeddings (it takes no text, text_batch or texts)`,
  );
}

/** The vectors in a finished prediction's output, in the shapes embedding models answer with. */
export function vectorsOf(output: unknown): number[][] | undefined {
  const isVector = (value: unknown): value is number[] =>
    Array.isArray(value) && value.length > 0 && value.every((n) => typeof n === "number");
  const items = Array.isArray(output) && isVector(output) ? [output] : output;
  const list = (items as { embeddings?: unknown })?.embeddings ?? items;
  if (!Array.isArray(list)) return undefined;
  const vectors = list.map((item) => (isVector(item) ? item : (item as { embedding?: unknown })?.embedding));
  return vectors.every(isVector) ? vectors : undefined;
}
