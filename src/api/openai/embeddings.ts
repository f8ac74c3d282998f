/**
 * `POST /embeddings`: the texts become one prediction of an embedding model (the simulator's
 * `sim/embeddings`, Replicate's embedding models…), through the same queue, rate limits,
 * fallbacks and budgets as everything else; answered in OpenAI's list of vectors, as floats or
 * as base64 of little-endian float32, as OpenAI sends them.
 */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { isOthersModel } from "../../engine/trained-model-owners.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { limitBody } from "../body-limit.ts";
import { readJson } from "../request-body.ts";
import { estimateTokens } from "./chat-usage.ts";
import { embeddingModelOf, vectorsOf } from "./embedding-model.ts";
import { unfinishedError } from "./image-response.ts";
import { issueError, paramError, reportDropped } from "./openai-error.ts";

/** OpenAI's limit of inputs per request. */
const MAX_INPUTS = 2048;
/** Under the official clients' 10-minute timeout, after which they would send the request again. */
const WAIT_MS = 9 * 60_000;

const bodySchema = z.looseObject({
  model: z.string({ error: "model is required" }).min(1, "model is required"),
  input: z.union([z.string(), z.array(z.unknown()).min(1, "input must not be empty").max(MAX_INPUTS)], {
    error: "input is required: a string or an array of strings",
  }),
  encoding_format: z
    .enum(["float", "base64"], { error: 'encoding_format must be "float" or "base64"' })
    .nullish(),
  dimensions: z.int().min(1).nullish(),
  user: z.string().nullish(),
});

function textsOf(input: string | unknown[]): string[] {
  const texts = typeof input === "string" ? [input] : input;
  return texts.map((text, index) => {
    const param = typeof input === "string" ? "input" : `input[${index}]`;
    if (typeof text !== "string")
      throw paramError(param, `'${param}': token ids are not supported; send text`, "unsupported_value");
    if (text === "") throw paramError(param, `Invalid '${param}': must not be empty`);
    return text;
  });
}

const base64Of = (vector: number[]) => Buffer.from(new Float32Array(vector).buffer).toString("base64");

export function embeddingsRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, openAiModels } = deps;
  const app = new Hono<ApiEnv>();
  app.post("/embeddings", limitBody(deps.config.maxBodyBytes), async (c) => {
    const parsed = bodySchema.safeParse(await readJson(c, z.unknown()));
    if (!parsed.success) throw issueError(parsed.error.issues[0]);
    const request = parsed.data;
    const texts = textsOf(request.input);
    const name = openAiModels.resolve(request.model);
    const token = c.get("token");
    // Another token's trained model is not there for this one, whatever it could do.
    if (
      await isOthersModel(deps.store, name.split(":")[0] ?? name, {
        tokenId: token.id,
        isAdmin: token.isAdmin,
      })
    )
      throw new GatewayError("not_found", `The model '${name}' does not exist`);
    const model = await embeddingModelOf(name, engine);
    const input = model.input(texts, request.dimensions ?? undefined);
    const submitted = await engine.submit({ model: model.ref, input, tokenId: token.id });
    const prediction = await engine.waitFor(submitted.id, WAIT_MS);
    if (prediction.state !== "succeeded") {
      // The prediction already had its retries and fallbacks; sending it again would pay twice.
      c.header("x-should-retry", "false");
      throw unfinishedError(prediction);
    }
    const vectors = vectorsOf(prediction.output);
    if (vectors?.length !== texts.length) {
      throw new GatewayError(
        "provider_error",
        `prediction ${prediction.id} answered ${vectors?.length ?? "no"} vectors for ${texts.length} texts`,
        { retryable: false },
      );
    }
    reportDropped(c, request.user == null ? [] : ["user"]);
    const promptTokens =
      prediction.metrics.input_token_count ??
      (await Promise.all(texts.map(estimateTokens))).reduce((sum, count) => sum + count, 0);
    return c.json({
      object: "list",
      data: vectors.map((vector, index) => ({
        object: "embedding",
        index,
        embedding: request.encoding_format === "base64" ? base64Of(vector) : vector,
      })),
      model: request.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  });
  return app;
}
