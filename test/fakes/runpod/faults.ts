/** Failures a test can inject per endpoint. Counts may be Infinity. */

export const DEFAULT_CRASH_MESSAGE = "CUDA error: out of memory";

export class FakeRunpodFaults {
  readonly #crashes = new Map<string, { count: number; message: string }>();
  readonly #stuck = new Map<string, number>();
  readonly #rateLimited = new Map<string, number>();
  readonly #queueDelay = new Map<string, number>();
  readonly #retention = new Map<string, number>();
  readonly #violations = new Map<string, number>();

  /** The next `count` executions raise in the handler: FAILED with the worker SDK's JSON error string. */
  crash(endpointId: string, count = 1, message = DEFAULT_CRASH_MESSAGE): void {
    this.#crashes.set(endpointId, { count, message });
  }

  /** The next `count` jobs picked up never finish (until their executionTimeout: TIMED_OUT). */
  stuck(endpointId: string, count = 1): void {
    this.#stuck.set(endpointId, count);
  }

  /** The next `count` requests to the endpoint get 429. */
  rateLimit(endpointId: string, count = 1): void {
    this.#rateLimited.set(endpointId, count);
  }

  /** Jobs wait `extraMs` longer in the queue. */
  slowQueue(endpointId: string, extraMs: number): void {
    this.#queueDelay.set(endpointId, extraMs);
  }

  /** Finished jobs on the endpoint are readable for `afterMs` only. */
  expireResults(endpointId: string, afterMs: number): void {
    this.#retention.set(endpointId, afterMs);
  }

  /** The next `count` answers on the OpenAI route with a json_schema output format do not fit it. */
  violateSchema(endpointId: string, count = 1): void {
    this.#violations.set(endpointId, count);
  }

  clear(): void {
    for (const map of [
      this.#crashes,
      this.#stuck,
      this.#rateLimited,
      this.#queueDelay,
      this.#retention,
      this.#violations,
    ])
      map.clear();
  }

  /** The crash message for the next execution, if one is due (used by the fake). */
  takeCrash(endpointId: string): string | undefined {
    const crash = this.#crashes.get(endpointId);
    if (!crash || crash.count <= 0) return undefined;
    crash.count--;
    return crash.message;
  }

  takeStuck(endpointId: string): boolean {
    return take(this.#stuck, endpointId);
  }

  takeViolation(endpointId: string): boolean {
    return take(this.#violations, endpointId);
  }

  takeRateLimit(endpointId: string): boolean {
    return take(this.#rateLimited, endpointId);
  }

  queueDelay(endpointId: string): number {
    return this.#queueDelay.get(endpointId) ?? 0;
  }

  retention(endpointId: string): number | undefined {
    return this.#retention.get(endpointId);
  }
}

function take(counts: Map<string, number>, key: string): boolean {
  const left = counts.get(key) ?? 0;
  if (left <= 0) return false;
  counts.set(key, left - 1);
  return true;
}
