/**
 * An OpenAI-compatible upstream: each configured model is `openai-compatible/<name>`. Its API
 * answers a request whole, so a prediction is one request made at start, whose answer is the
 * prediction's final status (nothing to poll, nothing left running upstream to cancel).
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
import { chatBody, chatStatus } from "./chat.ts";
import { KEY_SETTING, type ModelKind, PROVIDER_ID, parseOpenAiCompatibleConfig } from "./config.ts";
import { embeddingBody, embeddingStatus, imageBody, imageStatus } from "./images.ts";
import { describeModel } from "./models.ts";
import { operationSchema } from "./operation.ts";

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
    // A chat answer comes whole: long ones take long.
    timeoutMs: 300_000,
    ...(fetchImpl && { fetch: fetchImpl }),
  });
  const models = [...config.models].map(([name, upstream]) => describeModel(name, upstream));

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
        operation: { provider: PROVIDER_ID, kind: upstream.kind, submitId: request.submitId },
        status: call.status(UPSTREAM.name, body, request.input),
        ...(answer.budget && { upstreamBudget: answer.budget }),
      };
    },

    async status(operation) {
      parseStoredOperation(operationSchema, operation, PROVIDER_ID);
      // Only reached when the start's answer was lost with its process: the upstream keeps nothing to ask.
      return {
        state: "failed",
        error: `${UPSTREAM.name} answers each request once and keeps nothing to look up; its answer was lost`,
      };
    },

    async cancel(operation) {
      parseStoredOperation(operationSchema, operation, PROVIDER_ID);
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
