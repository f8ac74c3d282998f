/**
 * An OpenAI-compatible upstream: each configured model is `openai-compatible/<name>`. A
 * prediction is one request made at start. A chat streams (`stream: true`): its answer is read by
 * this process as it comes (chat-job.ts), and the upstream keeps nothing to look up, so a chat
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
import { transportError, UpstreamHttp } from "../toolkit/http.ts";
import { upstreamBudgetOf } from "../toolkit/rate-limit-headers.ts";
import { chatBody, chatStatus } from "./chat.ts";
import { ChatJob } from "./chat-job.ts";
import { KEY_SETTING, type ModelKind, PROVIDER_ID, parseOpenAiCompatibleConfig } from "./config.ts";
import { embeddingBody, embeddingStatus, imageBody, imageStatus } from "./images.ts";
import { describeModel } from "./models.ts";
import { operationSchema } from "./operation.ts";

/** How long a request waits for the upstream's answer (a chat's status, an image's whole answer). */
const HEADERS_TIMEOUT_MS = 300_000;

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
    timeoutMs: HEADERS_TIMEOUT_MS,
    ...(fetchImpl && { fetch: fetchImpl }),
  });
  const models = [...config.models].map(([name, upstream]) => describeModel(name, upstream));
  const send = fetchImpl ?? fetch;
  /** Chats streaming into this process, by submit id. */
  const jobs = new Map<string, ChatJob>();

  /** Starts a streamed chat: its answer's status is read here, the rest as it comes. */
  const startChat = async (path: string, json: unknown, what: string, signal: AbortSignal | undefined) => {
    const url = http.url(path);
    // The start's signal and the timeout cover the wait for the answer's status only, not its stream.
    const waiting = new AbortController();
    const giveUp = () => waiting.abort(new DOMException("no answer in time", "TimeoutError"));
    const timer = setTimeout(giveUp, HEADERS_TIMEOUT_MS);
    signal?.addEventListener("abort", giveUp);
    let response: Response;
    try {
      response = await send(url, {
        method: "POST",
        headers: { ...http.credentialsFor(url), "content-type": "application/json" },
        body: JSON.stringify(json),
        signal: waiting.signal,
      });
    } catch (error) {
      throw transportError(UPSTREAM.name, error, what, http.redact);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", giveUp);
    }
    if (!response.ok || !response.body)
      throw http.errorOf(
        { status: response.status, headers: response.headers, text: await response.text() },
        what,
      );
    return response;
  };

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
        const what = `asking ${upstream.model} (chat)`;
        const sentAt = Date.now();
        const response = await startChat(
          call.path,
          call.body(upstream.model, request.input),
          what,
          ctx.signal,
        );
        jobs.set(
          request.submitId,
          new ChatJob(UPSTREAM.name, request.input, response.body as ReadableStream<Uint8Array>),
        );
        const budget = upstreamBudgetOf(response.headers, sentAt);
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
      const { submitId } = parseStoredOperation(operationSchema, operation, PROVIDER_ID);
      const job = jobs.get(submitId);
      if (job) {
        const status = job.status();
        if (status.state !== "processing") jobs.delete(submitId);
        return status;
      }
      // The process that read the answer is gone, and the upstream keeps nothing to ask.
      return {
        state: "failed",
        error: `${UPSTREAM.name} answers each request once and keeps nothing to look up; its answer was lost`,
      };
    },

    async cancel(operation) {
      const { submitId } = parseStoredOperation(operationSchema, operation, PROVIDER_ID);
      jobs.get(submitId)?.cancel();
      jobs.delete(submitId);
    },

    stream(operation) {
      const { submitId } = parseStoredOperation(operationSchema, operation, PROVIDER_ID);
      const job = jobs.get(submitId);
      if (!job)
        throw new GatewayError("provider_error", `${UPSTREAM.name}'s answer is read by another process`, {
          retryable: false,
        });
      return job.parts();
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
