/**
 * RunPod serverless: each configured endpoint is a model `runpod/<name>`; a prediction is one
 * `/run` job, followed with `/status` (or nudged by webhook), retried with `/retry` on worker
 * failure, and canceled with `/cancel`. A vLLM endpoint's tokens are read from `/stream` as they
 * come, and `/status` gives the whole text. A vLLM chat with tools or JSON output goes to the
 * worker's OpenAI-compatible route instead (vllm-openai-route.ts), streamed into this process.
 */
import { GatewayError } from "../../core/errors.ts";
import { findModel } from "../model-lookup.ts";
import {
  type Provider,
  type ProviderDeps,
  perMinuteBudget,
  SPECIFICATION_VERSION,
  type StartRequest,
} from "../provider.ts";
import { ChatStreams } from "../toolkit/openai-chat-streams.ts";
import { parseRunpodConfig } from "./config.ts";
import { checkRunpod, summariseChecks } from "./health.ts";
import { runpodStatus } from "./job-status.ts";
import { describeModel } from "./models.ts";
import { parseRunpodOperation, type RunpodOperation } from "./operation.ts";
import { RetryTracker } from "./retry-tracker.ts";
import { imageWorkerInput, jobRequest } from "./run-request.ts";
import { RunpodClient } from "./runpod-client.ts";
import { OPENAI_CHAT_PATH, takesOpenAiRoute } from "./vllm-openai-route.ts";
import { vllmTokens } from "./vllm-stream.ts";
import { runpodWebhook } from "./webhook.ts";

export function createRunpodProvider(
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): Provider | null {
  const config = parseRunpodConfig(env, deps);
  if (!config) {
    if (deps.settings !== undefined)
      deps.logger.warn(
        {},
        "providers.runpod is configured but RUNPOD_API_KEY is not set: RunPod models are off",
      );
    return null;
  }
  const client = new RunpodClient(config.baseUrl, config.apiKey);
  const webhook = runpodWebhook(config.apiKey);
  const retries = new RetryTracker();
  const models = [...config.endpoints].map(([name, endpoint]) => describeModel(name, endpoint));
  const chats = new ChatStreams(client.http);

  const endpointOf = (request: StartRequest) => {
    const endpoint = config.endpoints.get(request.providerModel);
    if (!endpoint) {
      throw new GatewayError("not_found", `runpod/${request.providerModel} is no longer configured`, {
        retryable: false,
      });
    }
    return endpoint;
  };

  /** The /run body of a prediction's submit, and the operation of the job it makes. */
  const job = (request: StartRequest) => {
    const endpoint = endpointOf(request);
    const now = Date.now();
    const hook = request.webhookUrl && webhook.urlFor(request.webhookUrl, request);
    const { body, facts } = jobRequest(request, endpoint, hook, now);
    const operation = (jobId: string): RunpodOperation => ({
      provider: "runpod",
      endpointId: endpoint.endpointId,
      jobId,
      submittedAt: now,
      webhook: hook !== undefined,
      ...facts,
    });
    return { endpoint, body, operation };
  };

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: "runpod",
    rateLimit: perMinuteBudget("runpod", config.perMinute),
    concurrency: config.concurrency,
    webhook,

    async listModels() {
      return [...models];
    },

    async getModel(ref) {
      return findModel(models, ref);
    },

    inputWarnings(providerModel, input) {
      const endpoint = config.endpoints.get(providerModel);
      return endpoint && endpoint.worker !== "vllm" ? imageWorkerInput(input, endpoint).warnings : [];
    },

    async start(request, ctx) {
      const target = endpointOf(request);
      if (target.worker === "vllm" && takesOpenAiRoute(request.input, target)) {
        const { endpointId, model } = target;
        const budget = await chats.start({
          path: `/${encodeURIComponent(endpointId)}/${OPENAI_CHAT_PATH}`,
          model,
          submitId: request.submitId,
          input: request.input,
          what: `asking ${model} (chat on the OpenAI-compatible route)`,
          signal: ctx.signal,
        });
        const operation = { provider: "runpod", kind: "chat", endpointId, submitId: request.submitId };
        return { upstreamId: request.submitId, operation, ...(budget && { upstreamBudget: budget }) };
      }
      const { endpoint, body, operation } = job(request);
      const submitted = await client.run(endpoint.endpointId, body, ctx.signal);
      return { upstreamId: submitted.id, operation: operation(submitted.id) };
    },

    /*
     * No find: RunPod cannot look a job up by anything of ours (`/run` takes no client id or
     * idempotency key, the only listing, `/requests`, has an undocumented shape, and the webhook
     * URL is never shown back). A /run whose answer was lost is adopted when its marked webhook
     * names the job.
     */
    async adopt(request, jobId) {
      return { upstreamId: jobId, operation: job(request).operation(jobId) };
    },

    async status(operation, ctx) {
      const op = parseRunpodOperation(operation);
      if (op.kind === "chat") return chats.status(op.submitId);
      return runpodStatus(op, { client, retries, signal: ctx.signal });
    },

    async cancel(operation, ctx) {
      const op = parseRunpodOperation(operation);
      if (op.kind === "chat") return chats.cancel(op.submitId);
      await client.cancel(op.endpointId, op.jobId, ctx.signal);
      retries.forget(op.jobId);
    },

    stream(operation, ctx) {
      const op = parseRunpodOperation(operation);
      if (op.kind === "chat") return chats.parts(op.submitId);
      if (op.kind !== "text")
        throw new GatewayError("bad_request", "a RunPod image job has no token stream", { retryable: false });
      return vllmTokens(client, op, ctx.signal);
    },

    async check() {
      return summariseChecks(await checkRunpod(config));
    },
  };
}
