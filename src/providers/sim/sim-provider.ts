/**
 * The simulator provider: behaves like a remote provider (work started once, resumable from the
 * stored operation by any process) without any real upstream, for demos, tests and benchmarks.
 */
import { GatewayError } from "../../core/errors.ts";
import type { ModelRef } from "../../core/model-ref.ts";
import {
  type ModelDescriptor,
  type Provider,
  type ProviderDeps,
  perMinuteBudget,
  SPECIFICATION_VERSION,
  type StartResult,
} from "../provider.ts";
import { parseSimConfig } from "./config.ts";
import { SimJournal } from "./journal.ts";
import { findLora, mayNameLora } from "./lora-models.ts";
import { findSimModel, SIM_MODELS } from "./models.ts";
import { parseSimOperation, type TrainingOperation, trainingOperationOf } from "./operation.ts";
import { newUpstreamId, planOperation } from "./plan-operation.ts";
import { simStatus } from "./status.ts";
import { streamTokens } from "./text-stream.ts";
import { finishedAt } from "./timeline.ts";
import { createSimTraining } from "./training.ts";
import { simTrainingStatus, trainingLogs } from "./training-status.ts";

const MODEL_OF_KIND = { image: "image", embedding: "embeddings" } as const;

export function createSimProvider(env: Record<string, string | undefined>, deps: ProviderDeps): Provider {
  const config = parseSimConfig(env);
  const journal = new SimJournal(deps.journal);

  /** The trainings that made a version by `now`, with when they did. */
  const trained = async (now: number): Promise<{ training: TrainingOperation; at: number }[]> => {
    const trainings = (await journal.trainingStarts()).flatMap((start) => {
      const training = trainingOperationOf(start.operation);
      return training && training.failure === null ? [training] : [];
    });
    const canceled = await journal.canceled(trainings.map((training) => training.upstreamId));
    const done: { training: TrainingOperation; at: number }[] = [];
    for (const training of trainings) {
      const at = finishedAt(training);
      if (at <= now && !canceled.has(training.upstreamId)) done.push({ training, at });
    }
    return done;
  };

  const lookup = async (ref: ModelRef): Promise<ModelDescriptor | null> => {
    const model = findSimModel(ref);
    if (model || !mayNameLora(ref)) return model;
    return findLora(ref, await trained(Date.now()));
  };

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: "sim",
    rateLimit: perMinuteBudget("sim", config.ratePerMinute),
    concurrency: config.concurrency,

    async listModels() {
      return [...SIM_MODELS];
    },

    async getModel(ref) {
      return lookup(ref);
    },

    async start(request, ctx) {
      const upstreamId = newUpstreamId();
      const operation = planOperation(request.providerModel, request.input, config, upstreamId);
      const start: StartResult = { upstreamId, operation };
      await journal.recordStart(request.predictionId, start);
      // Work of no latency has ended as it starts: the answer says so, like a create that waited.
      const now = Date.now();
      if (operation.kind === "training" || now < finishedAt(operation)) return start;
      return { ...start, status: simStatus(operation, now, ctx) };
    },

    async check() {
      return { reachable: true, authenticated: null, detail: "simulator in this process; no upstream" };
    },

    async find(predictionId) {
      return journal.findStart(predictionId);
    },

    async status(operation, ctx) {
      const op = parseSimOperation(operation);
      const now = Date.now();
      if (await journal.isCanceled(op.upstreamId)) {
        const logs = op.kind === "training" ? trainingLogs(op, now) : `Using seed: ${op.seed}\n`;
        return { state: "canceled", logs };
      }
      if (op.kind === "training") return simTrainingStatus(op, now);
      return simStatus(op, now, ctx);
    },

    async cancel(operation) {
      const op = parseSimOperation(operation);
      // Like a real upstream, canceling finished work changes nothing.
      if (Date.now() >= finishedAt(op) || (await journal.isCanceled(op.upstreamId))) return;
      await journal.recordCancel(op.upstreamId);
    },

    stream(operation, ctx) {
      const op = parseSimOperation(operation);
      if (op.kind !== "text") {
        const message =
          op.kind === "training"
            ? "sim trainings do not stream"
            : `sim/${MODEL_OF_KIND[op.kind]} does not stream`;
        throw new GatewayError("bad_request", message, { retryable: false });
      }
      return streamTokens(op, () => journal.isCanceled(op.upstreamId), ctx.signal);
    },

    training: createSimTraining({ config, journal, dataDir: deps.dataDir }),
  };
}
