/**
 * The local jobs of this process, in memory only: each is queued for the worker pool, runs, and
 * ends succeeded, failed or canceled. An ended job is kept for RESULT_TTL_MS, long enough for the
 * engine to copy its files, then forgotten.
 */
import { newId } from "../../core/ids.ts";
import type { Tool, ToolJob, ToolResult } from "./job.ts";
import type { WorkerPool } from "./worker-pool.ts";

export const RESULT_TTL_MS = 10 * 60_000;

export type JobState =
  | { phase: "queued" }
  | { phase: "running" }
  | { phase: "succeeded"; result: ToolResult; seconds: number }
  | { phase: "failed"; error: string }
  | { phase: "canceled" };

/** What a job is, as its operation tells it. */
export interface JobInfo {
  id: string;
  tool: Tool;
  /** When it was submitted (ms since the epoch). */
  submittedAt: number;
}

interface Job extends JobInfo {
  predictionId: string;
  state: JobState;
  /** When the job ended (ms since the epoch). */
  endedAt?: number;
}

const ended = (state: JobState) => state.phase !== "queued" && state.phase !== "running";

export class LocalJobs {
  readonly #pool: WorkerPool<ToolJob, ToolResult>;
  readonly #jobs = new Map<string, Job>();

  constructor(pool: WorkerPool<ToolJob, ToolResult>) {
    this.#pool = pool;
  }

  /** Queues `job` for prediction `predictionId`. */
  submit(predictionId: string, job: ToolJob): JobInfo {
    this.#forgetOld();
    const id = newId();
    const entry: Job = {
      id,
      tool: job.tool,
      submittedAt: Date.now(),
      predictionId,
      state: { phase: "queued" },
    };
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

  /** The state of job `id`; undefined when this process does not know it (any more). */
  state(id: string): JobState | undefined {
    this.#forgetOld();
    return this.#jobs.get(id)?.state;
  }

  /** The job started for prediction `predictionId` and not canceled, if this process has it. */
  find(predictionId: string): JobInfo | undefined {
    for (const job of this.#jobs.values()) {
      if (job.predictionId === predictionId && job.state.phase !== "canceled") return job;
    }
    return undefined;
  }

  /** A waiting job never runs; a running one finishes in its worker and its result is dropped. */
  cancel(id: string): void {
    const job = this.#jobs.get(id);
    if (!job || ended(job.state)) return;
    this.#end(job, { phase: "canceled" });
    this.#pool.cancel(id);
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
      if (job.endedAt !== undefined && job.endedAt < before) this.#jobs.delete(id);
    }
  }
}
