/**
 * Image and embedding predictions as the upstream's `POST /images/generations` (base64 PNGs,
 * kept by gengate as files) and `POST /embeddings`.
 */
import { z } from "zod";
import { outputFile, type StatusResult } from "../provider.ts";
import { parseAnswer } from "../toolkit/answer.ts";

export function imageBody(model: string, input: Record<string, unknown>): Record<string, unknown> {
  const { prompt, size, num_outputs: n, quality } = input;
  return {
    model,
    prompt,
    n: n ?? 1,
    response_format: "b64_json",
    ...(size !== undefined && { size }),
    ...(quality !== undefined && { quality }),
  };
}

const imagesSchema = z.looseObject({ data: z.array(z.looseObject({ b64_json: z.string() })).min(1) });

export function imageStatus(upstream: string, body: unknown): StatusResult {
  const { data } = parseAnswer(upstream, imagesSchema, body, "answering an image generation");
  return {
    state: "succeeded",
    output: data.map(({ b64_json }) =>
      outputFile("image/png", "png", async () => Buffer.from(b64_json, "base64")),
    ),
  };
}

export function embeddingBody(model: string, input: Record<string, unknown>): Record<string, unknown> {
  const { texts, dimensions } = input;
  return { model, input: texts, encoding_format: "float", ...(dimensions !== undefined && { dimensions }) };
}

const embeddingsSchema = z.looseObject({
  data: z.array(z.looseObject({ index: z.number(), embedding: z.array(z.number()) })),
  usage: z.looseObject({ prompt_tokens: z.number() }).nullish(),
});

export function embeddingStatus(upstream: string, body: unknown): StatusResult {
  const answer = parseAnswer(upstream, embeddingsSchema, body, "answering an embedding");
  const ordered = [...answer.data].sort((a, b) => a.index - b.index);
  return {
    state: "succeeded",
    output: ordered.map(({ embedding }) => ({ embedding })),
    metrics: answer.usage ? { input_token_count: answer.usage.prompt_tokens } : {},
  };
}
