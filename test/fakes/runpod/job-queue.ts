/**
 * The jobs of every endpoint and their state machine: IN_QUEUE → IN_PROGRESS → COMPLETED | FAILED
 * | TIMED_OUT, CANCELLED from queued or running, /retry back to IN_QUEUE with the same id. Jobs
 * vanish (404) when their result retention or their ttl runs out.
 */
import { randomUUID } from "node:crypto";
import type { FakeRunpodFaults } from "./faults.ts";
import type { FileOrigin } from "./file-origin.ts";
import { type FakeJob, isTerminal, type JobPolicy, type JobStatus, jobView } from "./jobs.ts";
import type { ResolvedEndpoint, ResolvedOptions } from "./options.ts";
import type { Timers } from "./timers.ts";
import { Waiters } from "./waiters.ts";
import type { WebhookSender } from "./webhook-sender.ts";
import { runWorker } from "./workers/run-worker.ts";

export interface Submission {
  input: unknown;
  webhook: string | undefined;
  policy: JobPolicy;
  sync: boolean;
}

type JobTimers = Partial<Record<"ttl" | "run" | "timeout" | "retention", NodeJS.Timeout>>;

/** The fields of a job waiting for its (next) run. */
const UNSTARTED = {
  status: "IN_QUEUE",
  startedAt: undefined,
  completedAt: undefined,
  workerId: undefined,
  output: undefined,
  error: undefined,
} as const;

type Outcome = { status: Exclude<JobStatus, "IN_QUEUE" | "IN_PROGRESS">; output?: unknown; error?: string };

export interface EndpointCounters {
  completed: number;
  failed: number;
  retried: number;
}

export interface JobQueueDeps {
  options: ResolvedOptions;
  faults: FakeRunpodFaults;
  files: FileOrigin;
  timers: Timers;
  webhooks: WebhookSender;
}

export class JobQueue {
  readonly #deps: JobQueueDeps;
  readonly #jobs = new Map<string, FakeJob>();
  readonly #timers = new Map<string, JobTimers>();
  /** The handler running each job, stopped with everything else the job scheduled. */
  readonly #runs = new Map<string, AbortController>();
  readonly #waiters: Waiters;
  readonly #counters = new Map<string, EndpointCounters>();
  readonly #pumpTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  constructor(deps: JobQueueDeps) {
    this.#deps = deps;
    this.#waiters = new Waiters(deps.timers);
  }

  submit(endpoint: ResolvedEndpoint, submission: Submission): FakeJob {
    const now = Date.now();
    const job: FakeJob = {
      ...submission,
      id: `${submission.sync ? "sync-" : ""}${randomUUID()}-u1`,
      ...UNSTARTED,
      endpointId: endpoint.id,
      createdAt: now,
      readyAt: now + this.#queueDelay(endpoint),
      retries: 0,
      attempt: 0,
      stream: [],
      streamSent: 0,
    };
    this.#jobs.set(job.id, job);
    this.#armTtl(job);
    this.#pump(endpoint.id);
    return job;
  }

  get(endpointId: string, id: string): FakeJob | undefined {
    const job = this.#jobs.get(id);
    return job?.endpointId === endpointId ? job : undefined;
  }

  all(): FakeJob[] {
    return [...this.#jobs.values()];
  }

  cancel(job: FakeJob): void {
    if (!isTerminal(job.status)) this.#finish(job, { status: "CANCELLED" });
  }

  /** Only FAILED and TIMED_OUT jobs can be retried; the earlier output is removed. */
  retry(job: FakeJob): boolean {
    if (job.status !== "FAILED" && job.status !== "TIMED_OUT") return false;
    this.#clearTimers(job.id);
    Object.assign(job, {
      ...UNSTARTED,
      readyAt: Date.now() + this.#queueDelay(this.#endpoint(job)),
      retries: job.retries + 1,
      attempt: job.attempt + 1,
    });
    this.counters(job.endpointId).retried++;
    this.#armTtl(job);
    this.#pump(job.endpointId);
    return true;
  }

  /** Removes the endpoint's queued jobs; running ones go on. */
  purge(endpointId: string): number {
    const queued = this.all().filter((job) => job.endpointId === endpointId && job.status === "IN_QUEUE");
    for (const job of queued) this.#remove(job);
    return queued.length;
  }

  counters(endpointId: string): EndpointCounters {
    let counters = this.#counters.get(endpointId);
    if (!counters) {
      counters = { completed: 0, failed: 0, retried: 0 };
      this.#counters.set(endpointId, counters);
    }
    return counters;
  }

  /** Resolves when the job ends or disappears, or after `ms`. */
  waitForEnd(job: FakeJob, ms: number): Promise<void> {
    if (isTerminal(job.status) || !this.#jobs.has(job.id)) return Promise.resolve();
    return this.#waiters.wait(job.id, ms);
  }

  /** Forgets every job; pending waits resolve. */
  reset(): void {
    for (const job of this.all()) this.#remove(job);
    this.#counters.clear();
    this.#pumpTimers.clear();
  }

  #endpoint(job: FakeJob): ResolvedEndpoint {
    const endpoint = this.#deps.options.endpoints.get(job.endpointId);
    if (!endpoint) throw new Error(`no endpoint ${job.endpointId}`);
    return endpoint;
  }

  #queueDelay(endpoint: ResolvedEndpoint): number {
    return endpoint.queueMs + this.#deps.faults.queueDelay(endpoint.id);
  }

  #timersOf(id: string): JobTimers {
    let timers = this.#timers.get(id);
    if (!timers) {
      timers = {};
      this.#timers.set(id, timers);
    }
    return timers;
  }

  #clearTimers(id: string): void {
    for (const timer of Object.values(this.#timersOf(id))) this.#deps.timers.cancel(timer);
    this.#timers.set(id, {});
    this.#runs.get(id)?.abort();
    this.#runs.delete(id);
  }

  /** ttl counts from submission; when it runs out the job is gone, even mid-run. */
  #armTtl(job: FakeJob): void {
    const left = job.createdAt + job.policy.ttl - Date.now();
    this.#timersOf(job.id).ttl = this.#deps.timers.after(left, () => this.#remove(job));
  }

  #pump(endpointId: string): void {
    const endpoint = this.#deps.options.endpoints.get(endpointId);
    if (!endpoint) return;
    const now = Date.now();
    const mine = this.all().filter((job) => job.endpointId === endpointId);
    let busy = mine.filter((job) => job.status === "IN_PROGRESS").length;
    let nextReady = Number.POSITIVE_INFINITY;
    for (const job of mine) {
      if (job.status !== "IN_QUEUE" || busy >= endpoint.workerIds.length) continue;
      if (job.readyAt > now) nextReady = Math.min(nextReady, job.readyAt);
      else {
        this.#begin(job, endpoint, mine);
        busy++;
      }
    }
    if (nextReady !== Number.POSITIVE_INFINITY) this.#schedulePump(endpointId, nextReady);
  }

  #schedulePump(endpointId: string, at: number): void {
    const planned = this.#pumpTimers.get(endpointId);
    if (planned && planned.at <= at) return;
    this.#deps.timers.cancel(planned?.timer);
    const timer = this.#deps.timers.after(at - Date.now(), () => {
      this.#pumpTimers.delete(endpointId);
      this.#pump(endpointId);
    });
    this.#pumpTimers.set(endpointId, { at, timer });
  }

  #begin(job: FakeJob, endpoint: ResolvedEndpoint, mine: FakeJob[]): void {
    const inUse = new Set(mine.filter((j) => j.status === "IN_PROGRESS").map((j) => j.workerId));
    job.status = "IN_PROGRESS";
    job.startedAt = Date.now();
    job.workerId = endpoint.workerIds.find((id) => !inUse.has(id));
    const timers = this.#timersOf(job.id);
    timers.timeout = this.#deps.timers.after(job.policy.executionTimeout, () =>
      this.#finish(job, { status: "TIMED_OUT" }),
    );
    if (this.#deps.faults.takeStuck(endpoint.id)) return;
    const crash = this.#deps.faults.takeCrash(endpoint.id);
    const attempt = job.attempt;
    timers.run = this.#deps.timers.after(endpoint.executionMs, () => void this.#execute(job, attempt, crash));
  }

  async #execute(job: FakeJob, attempt: number, crash: string | undefined): Promise<void> {
    const endpoint = this.#endpoint(job);
    const run = new AbortController();
    this.#runs.set(job.id, run);
    const current = () => job.status === "IN_PROGRESS" && job.attempt === attempt && this.#jobs.has(job.id);
    const ctx = {
      endpoint,
      files: this.#deps.files,
      emit: (output: unknown) => {
        if (current()) job.stream.push({ output });
      },
      signal: run.signal,
    };
    const result = await runWorker(endpoint, job.input, ctx, job.workerId ?? "unknown", crash);
    if (!current()) return;
    if (result.error !== undefined) this.#finish(job, { status: "FAILED", ...result });
    else this.#finish(job, { status: "COMPLETED", output: result.output });
  }

  #finish(job: FakeJob, outcome: Outcome): void {
    const endpoint = this.#endpoint(job);
    this.#clearTimers(job.id);
    Object.assign(job, { ...outcome, completedAt: Date.now() });
    if (outcome.status === "COMPLETED") this.counters(job.endpointId).completed++;
    if (outcome.status === "FAILED") this.counters(job.endpointId).failed++;
    if (endpoint.generator && outcome.output !== undefined) job.stream.push({ output: outcome.output });
    const { retention } = this.#deps.options;
    const keepMs =
      this.#deps.faults.retention(job.endpointId) ?? (job.sync ? retention.runsyncMs : retention.runMs);
    this.#timersOf(job.id).retention = this.#deps.timers.after(keepMs, () => this.#remove(job));
    if (job.webhook) this.#deps.webhooks.send(job.webhook, jobView(job));
    this.#waiters.wake(job.id);
    this.#pump(job.endpointId);
  }

  #remove(job: FakeJob): void {
    if (!this.#jobs.delete(job.id)) return;
    this.#clearTimers(job.id);
    this.#timers.delete(job.id);
    this.#waiters.wake(job.id);
    this.#pump(job.endpointId);
  }
}
