/**
 * Worker failures this process has retried, per job. RunPod's own `retries` count wins when it is
 * higher, so a restart loses at most the wait already served (the operation cannot be updated).
 */
const MAX_JOBS = 10_000;

interface Entry {
  retried: number;
  /** When this process first saw the current failure. */
  failedAt: number | undefined;
}

export class RetryTracker {
  readonly #jobs = new Map<string, Entry>();

  retried(jobId: string, reported = 0): number {
    return Math.max(reported, this.#jobs.get(jobId)?.retried ?? 0);
  }

  /** When the current failure was first seen (now, if this is the first time). */
  failedAt(jobId: string, now: number): number {
    const entry = this.#entry(jobId);
    entry.failedAt ??= now;
    return entry.failedAt;
  }

  recordRetry(jobId: string, reported = 0): void {
    const entry = this.#entry(jobId);
    entry.retried = Math.max(reported, entry.retried) + 1;
    entry.failedAt = undefined;
  }

  forget(jobId: string): void {
    this.#jobs.delete(jobId);
  }

  #entry(jobId: string): Entry {
    let entry = this.#jobs.get(jobId);
    if (!entry) {
      entry = { retried: 0, failedAt: undefined };
      this.#jobs.set(jobId, entry);
      const oldest = this.#jobs.keys().next().value;
      if (this.#jobs.size > MAX_JOBS && oldest !== undefined) this.#jobs.delete(oldest);
    }
    return entry;
  }
}
