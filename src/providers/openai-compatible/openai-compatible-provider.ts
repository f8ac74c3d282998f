/**
 * An OpenAI-compatible upstream: each configured model is `openai-compatible/<name>`. A
 * prediction is one request made at start. A chat streams (`stream: true`): its answer is read by
 * this process as it comes (toolkit/openai-chat-streams.ts), and the upstream keeps nothing to look up, so a chat
 * whose process died fails. Images and embeddings are answered whole: their answer is the
 * prediction's final status.
 */
import { GatewayError } from "../../core/errors.ts";
import { findModel } from "../model-lookup.ts";
import {
  type Provider,
  type ProviderDeps,
  parseStoredOperation,
  perMinuteBudget,
  SPECIFICATION_VERSION,
  type StatusResult,
} from "../provider.ts";
import { UpstreamHttp } from "../toolkit/http.ts";
import { chatBody, chatStatus } from "../toolkit/openai-chat.ts";
import { ChatStreams } from "../toolkit/openai-chat-streams.ts";
import { KEY_SETTING, type ModelKind, PROVIDER_ID, parseOpenAiCompatibleConfig } from "./config.ts";
import { embeddingBody, embeddingStatus, imageBody, imageStatus } from "./images.ts";
import { describeModel } from "./models.ts";
import { operationSchema } from "./operation.ts";

/** How long an image or embedding waits for the upstream's whole answer. */
const ANSWER_TIMEOUT_MS = 300_000;

const UPSTREAM = { name: "the OpenAI-compatible upstream", keySetting: KEY_SETTING };

const CALLS: Record<
  ModelKind,
  {
    path: string;
    body: (model: string, input: Record<string, unknown>) => Record<string, unknown>;
    status: (upstream: string, body: unknown, input: Record<string, unknown>) => StatusResult;
  }
> = {
  chat: { path: "/chat/completions", body: chatBody, status: chatStatus },
  image: { path: "/images/generations", body: imageBody, status: imageStatus },
  embedding: { path: "/embeddings", body: embeddingBody, status: embeddingStatus },
};

export function createOpenAiCompatibleProvider(
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
  fetchImpl?: typeof fetch,
): Provider | null {
  const config = parseOpenAiCompatibleConfig(env, deps);
  if (!config) {
    if (deps.settings !== undefined)
      deps.logger.warn(
        {},
        `providers.${PROVIDER_ID} is configured but OPENAI_COMPATIBLE_BASE_URL is not set: its models are off`,
      );
    return null;
  }
  const http = new UpstreamHttp({
    upstream: UPSTREAM,
    baseUrl: config.baseUrl,
    credentials: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
    secrets: config.apiKey ? [config.apiKey] : [],
    timeoutMs: ANSWER_TIMEOUT_MS,
    ...(fetchImpl && { fetch: fetchImpl }),
  });
  const models = [...config.models].map(([name, upstream]) => describeModel(name, upstream));
  const chats = new ChatStreams(http);

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: PROVIDER_ID,
    rateLimit: perMinuteBudget(PROVIDER_ID, config.perMinute),
    concurrency: config.concurrency,

    async listModels() {
      return [...models];
    },

    async getModel(ref) {
      return findModel(models, ref);
    },

    async start(request, ctx) {
      const upstream = config.models.get(request.providerModel);
      if (!upstream)
        throw new GatewayError(
          "not_found",
          `${PROVIDER_ID}/${request.providerModel} is no longer configured`,
          {
            retryable: false,
          },
        );
      const call = CALLS[upstream.kind];
      const operation = { provider: PROVIDER_ID, kind: upstream.kind, submitId: request.submitId };
      if (upstream.kind === "chat") {
        const budget = await chats.start({
          path: call.path,
          model: upstream.model,
          submitId: request.submitId,
          input: request.input,
          what: `asking ${upstream.model} (chat)`,
          signal: ctx.signal,
        });
        return { upstreamId: request.submitId, operation, ...(budget && { upstreamBudget: budget }) };
      }
      const answer = await http.request(call.path, {
        method: "POST",
        json: call.body(upstream.model, request.input),
        what: `asking ${upstream.model} (${upstream.kind})`,
        start: true,
        signal: ctx.signal,
      });
      const body = http.parseJson(answer.text, `reading ${upstream.model}'s answer`);
      return {
        upstreamId: request.submitId,
        operation,
        status: call.status(UPSTREAM.name, body, request.input),
        ...(answer.budget && { upstreamBudget: answer.budget }),
      };
    },

    async status(operation) {
      return chats.status(parseStoredOperation(operationSchema, operation, PROVIDER_ID).submitId);
    },

    async cancel(operation) {
      chats.cancel(parseStoredOperation(operationSchema, operation, PROVIDER_ID).submitId);
    },

    stream(operation) {
      return chats.parts(parseStoredOperation(operationSchema, operation, PROVIDER_ID).submitId);
    },

    async check() {
      try {
        await http.request("/models", { what: "listing its models" });
        return {
          reachable: true,
          authenticated: config.apiKey ? true : null,
          detail: `${config.baseUrl} answers`,
        };
      } catch (error) {
        const failure = GatewayError.from(error);
        return {
          reachable: failure.code !== "provider_unavailable" && failure.code !== "timeout",
          authenticated: false,
          detail: failure.message,
        };
      }
    },
  };
}
