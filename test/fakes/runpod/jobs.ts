/** A job as the fake keeps it, and the job object RunPod's API shows (reference A.4). */

export type JobStatus = "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED" | "FAILED" | "CANCELLED" | "TIMED_OUT";

const TERMINAL: ReadonlySet<JobStatus> = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]);

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

export interface JobPolicy {
  executionTimeout: number;
  ttl: number;
  lowPriority: boolean;
}

export interface FakeJob {
  id: string;
  endpointId: string;
  input: unknown;
  webhook: string | undefined;
  policy: JobPolicy;
  /** Submitted with /runsync (shorter retention). */
  sync: boolean;
  status: JobStatus;
  createdAt: number;
  /** When a free worker may pick the job up. */
  readyAt: number;
  startedAt: number | undefined;
  completedAt: number | undefined;
  workerId: string | undefined;
  output: unknown;
  error: string | undefined;
  retries: number;
  /** Bumped by /retry, so work of an earlier attempt is dropped. */
  attempt: number;
  stream: unknown[];
  streamSent: number;
}

/** What `/status`, `/runsync` and webhooks show. */
export function jobView(job: FakeJob): Record<string, unknown> {
  const view: Record<string, unknown> = { id: job.id, status: job.status };
  if (job.startedAt !== undefined) view.delayTime = job.startedAt - job.createdAt;
  if (job.startedAt !== undefined && job.completedAt !== undefined)
    view.executionTime = job.completedAt - job.startedAt;
  if (job.workerId !== undefined) view.workerId = job.workerId;
  if (job.output !== undefined) view.output = job.output;
  if (job.error !== undefined) view.error = job.error;
  if (job.retries > 0) view.retries = job.retries;
  return view;
}

/** A copy for tests to look at. */
export type FakeJobSnapshot = Omit<FakeJob, "attempt" | "stream" | "streamSent">;

export function snapshot(job: FakeJob): FakeJobSnapshot {
  const { attempt: _attempt, stream: _stream, streamSent: _sent, ...rest } = job;
  return structuredClone(rest);
}
