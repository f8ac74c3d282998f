/**
 * The local jobs this process runs, in its memory: each is queued for the worker pool, runs, and
 * ends succeeded, failed or canceled. An ended job is kept for RESULT_TTL_MS, long enough for the
 * engine to copy its files, then forgotten.
 */
import { newId } from "../../core/ids.ts";
import type { Tool, ToolJob, ToolResult } from "./job.ts";
import type { WorkerPool } from "./worker-pool.ts";

const RESULT_TTL_MS = 10 * 60_000;

export type JobState =
  | { phase: "queued" }
  | { phase: "running" }
  | { phase: "succeeded"; result: ToolResult; seconds: number }
  | { phase: "failed"; error: string }
  | { phase: "canceled" };

/** What a job was asked to do: enough for any process to run it again. */
export interface JobRequest {
  predictionId: string;
  providerModel: string;
  input: Record<string, unknown>;
}

/** What a job is, as its operation tells it. */
export interface JobInfo {
  id: string;
  tool: Tool;
  request: JobRequest;
  /** When it was submitted (ms since the epoch). */
  submittedAt: number;
}

interface Job extends JobInfo {
  state: JobState;
  /** When the job ended (ms since the epoch). */
  endedAt?: number;
}

const ended = (state: JobState) => state.phase !== "queued" && state.phase !== "running";

export class LocalJobs {
  readonly #pool: WorkerPool<ToolJob, ToolResult>;
  readonly #jobs = new Map<string, Job>();
  readonly #forgotten: (id: string) => void;

  /** `forgotten` hears of each job this process no longer keeps. */
  constructor(pool: WorkerPool<ToolJob, ToolResult>, forgotten: (id: string) => void = () => {}) {
    this.#pool = pool;
    this.#forgotten = forgotten;
  }

  /** Queues `job` as job `id` (a new one unless given); a job this process already has stays as it is. */
  submit(request: JobRequest, job: ToolJob, id = newId()): JobInfo {
    this.#forgetOld();
    const existing = this.#jobs.get(id);
    if (existing) return existing;
    const entry: Job = { id, tool: job.tool, request, submittedAt: Date.now(), state: { phase: "queued" } };
    this.#jobs.set(id, entry);
    let startedAt = 0;
    const started = () => {
      startedAt = performance.now();
      entry.state = { phase: "running" };
    };
    this.#pool.run(id, job, started).then(
      (result) => {
        this.#end(entry, { phase: "succeeded", result, seconds: (performance.now() - startedAt) / 1000 });
      },
      (error: Error) => this.#end(entry, { phase: "failed", error: error.message }),
    );
    return entry;
  }

  /** The state of job `id`; undefined when this process does not have it (any more). */
  state(id: string): JobState | undefined {
    this.#forgetOld();
    return this.#jobs.get(id)?.state;
  }

  /** The job started for prediction `predictionId` and not canceled, if this process has it. */
  find(predictionId: string): JobInfo | undefined {
    for (const job of this.#jobs.values()) {
      if (job.request.predictionId === predictionId && job.state.phase !== "canceled") return job;
    }
    return undefined;
  }

  /** The ids of the jobs this process has. */
  held(): string[] {
    this.#forgetOld();
    return [...this.#jobs.keys()];
  }

  /** A waiting job never runs; a running one finishes in its worker and its result is dropped. */
  cancel(id: string): void {
    const job = this.#jobs.get(id);
    if (!job || ended(job.state)) return;
    this.#end(job, { phase: "canceled" });
    this.#pool.cancel(id);
  }

  /** Forgets job `id` at once, as if this process never had it: another runs it now. */
  drop(id: string): void {
    this.cancel(id);
    this.#jobs.delete(id);
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  #end(job: Job, state: JobState): void {
    if (ended(job.state)) return;
    job.state = state;
    job.endedAt = Date.now();
  }

  #forgetOld(): void {
    const before = Date.now() - RESULT_TTL_MS;
    for (const [id, job] of this.#jobs) {
      if (job.endedAt === undefined || job.endedAt >= before) continue;
      this.#jobs.delete(id);
      this.#forgotten(id);
    }
  }
}
