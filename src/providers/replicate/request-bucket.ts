/**
 * Paces the requests that are not creates (polls, cancels, lookups, uploads) under Replicate's
 * per-account budget. One bucket per account, shared by every provider instance in the process.
 */

export class RequestBucket {
  #tokens: number;
  #updatedAt: number;
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: () => number;

  constructor(perMinute: number, burst: number, now: () => number = Date.now) {
    this.#ratePerMs = perMinute / 60_000;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#now = now;
    this.#updatedAt = now();
  }

  /** Reserves the next slot; returns how many ms to wait before using it (0: now). */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil(-this.#tokens / this.#ratePerMs);
  }

  /** Gives back a slot reserved but not used. */
  release(): void {
    this.#tokens += 1;
  }

  /** Replicate said the account is over its limit: nothing goes out for `ms`. */
  pause(ms: number): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, -ms * this.#ratePerMs);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
  }
}

const shared = new Map<string, RequestBucket>();

export function accountBucket(account: string, perMinute: number): RequestBucket {
  const key = `${account}:${perMinute}`;
  let bucket = shared.get(key);
  if (!bucket) {
    bucket = new RequestBucket(perMinute, Math.max(1, Math.floor(perMinute / 20)));
    shared.set(key, bucket);
  }
  return bucket;
}
