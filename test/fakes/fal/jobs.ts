/**
 * The fake's queue: each job follows a timeline fixed at submit (queued, in progress, completed),
 * so its state at any moment follows from the clock; cancel is the only change after submit.
 */
import type { ValidationIssue } from "./input-check.ts";

export type FalStatus = "IN_QUEUE" | "IN_PROGRESS" | "COMPLETED";

export interface JobFailure {
  message: string;
  errorType: string;
  httpStatus: number;
}

export interface FakeJob {
  requestId: string;
  /** The submit path, e.g. `fal-ai/flux/dev`. */
  app: string;
  /** `owner/alias` (e.g. `fal-ai/flux`): status, result and cancel URLs use only this. */
  base: string;
  input: Record<string, unknown>;
  webhookUrl: string | null;
  submittedAt: number;
  startsAt: number;
  endsAt: number;
  canceledAt: number | null;
  /** Decided at submit: a request error the job ends with. */
  failure: JobFailure | null;
  /** Input errors, reported when the job has run (as fal's models do). */
  invalid: ValidationIssue[];
}

export interface RequestLog {
  message: string;
  level: "INFO";
  source: "USER";
  timestamp: string;
}

export const CANCELED: JobFailure = {
  message: "Request was cancelled",
  errorType: "client_cancelled",
  httpStatus: 499,
};

const STEP_LINES = 4;

export function statusAt(job: FakeJob, now: number): FalStatus {
  if (job.canceledAt !== null || now >= job.endsAt) return "COMPLETED";
  return now >= job.startsAt ? "IN_PROGRESS" : "IN_QUEUE";
}

/** When the job ended or will end. */
export function endOf(job: FakeJob): number {
  return job.canceledAt ?? job.endsAt;
}

/** The failure a completed job reports, if any. */
export function failureOf(job: FakeJob): JobFailure | null {
  return job.canceledAt !== null ? CANCELED : job.failure;
}

/** Jobs of the same app submitted earlier and still waiting. */
export function queuePosition(job: FakeJob, jobs: Iterable<FakeJob>, now: number): number {
  let ahead = 0;
  for (const other of jobs) {
    if (other.base === job.base && other.submittedAt < job.submittedAt && statusAt(other, now) === "IN_QUEUE")
      ahead += 1;
  }
  return ahead;
}

/** What the app printed so far: a line when it starts, then one per finished quarter of its steps. */
export function logsAt(job: FakeJob, now: number): RequestLog[] {
  if (now < job.startsAt) return [];
  const line = (at: number, message: string): RequestLog => ({
    message,
    level: "INFO",
    source: "USER",
    timestamp: new Date(at).toISOString(),
  });
  const steps = Number.isInteger(job.input.num_inference_steps)
    ? (job.input.num_inference_steps as number)
    : 28;
  const until = Math.min(now, endOf(job));
  const logs = [line(job.startsAt, `Generating ${JSON.stringify(job.input.prompt ?? "")}`)];
  const runMs = job.endsAt - job.startsAt;
  for (let quarter = 1; quarter <= STEP_LINES; quarter++) {
    const at = job.startsAt + (runMs * quarter) / STEP_LINES;
    if (at > until) break;
    logs.push(line(at, `Step ${Math.round((steps * quarter) / STEP_LINES)}/${steps}`));
  }
  return logs;
}
