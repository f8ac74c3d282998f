/**
 * The simulator provider: behaves like a remote provider (work started once, resumable from the
 * stored operation by any process) without any real upstream, for demos, tests and benchmarks.
 */
import { GatewayError } from "../../core/errors.ts";
import { type Provider, type ProviderDeps, perMinuteBudget, type StartResult } from "../provider.ts";
import { parseSimConfig } from "./config.ts";
import { SimJournal } from "./journal.ts";
import { findSimModel, SIM_MODELS } from "./models.ts";
import { parseSimOperation } from "./operation.ts";
import { newUpstreamId, planOperation } from "./plan-operation.ts";
import { simStatus } from "./status.ts";
import { streamTokens } from "./text-stream.ts";
import { finishedAt } from "./timeline.ts";

export function createSimProvider(env: Record<string, string | undefined>, deps: ProviderDeps): Provider {
  const config = parseSimConfig(env);
  const journal = new SimJournal(deps.dataDir, deps.logger);
  return {
    id: "sim",
    rateLimit: perMinuteBudget("sim", config.ratePerMinute),
    concurrency: config.concurrency,

    async listModels() {
      return [...SIM_MODELS];
    },

    async getModel(ref) {
      return findSimModel(ref);
    },

    async start(request) {
      const upstreamId = newUpstreamId();
      const operation = planOperation(request.providerModel, request.input, config, upstreamId);
      const start: StartResult = { upstreamId, operation };
      journal.recordStart(request.predictionId, start);
      return start;
    },

    async check() {
      return { reachable: true, authenticated: null, detail: "simulator in this process; no upstream" };
    },

    async find(predictionId) {
      return journal.findStart(predictionId);
    },

    async status(operation, ctx) {
      const op = parseSimOperation(operation);
      if (journal.isCanceled(op.upstreamId)) return { state: "canceled", logs: `Using seed: ${op.seed}\n` };
      return simStatus(op, Date.now(), ctx);
    },

    async cancel(operation) {
      const op = parseSimOperation(operation);
      // Like a real upstream, canceling finished work changes nothing.
      if (Date.now() >= finishedAt(op) || journal.isCanceled(op.upstreamId)) return;
      journal.recordCancel(op.upstreamId);
    },

    stream(operation, ctx) {
      const op = parseSimOperation(operation);
      if (op.kind !== "text") {
        throw new GatewayError("bad_request", "sim/image does not stream", { retryable: false });
      }
      return streamTokens(op, () => journal.isCanceled(op.upstreamId), ctx.signal);
    },
  };
}
