/**
 * Claims on rows that this process holds while it works on them (a prediction's submit, a status
 * check with its output copies, a LoRA's step). A claim is a short lease in the row's
 * `nextCheckAt`, renewed while the process lives: a long step (a create that waits, a large output
 * or upload) keeps its claim, and when the process dies another takes its work over within one
 * lease instead of a worst-case step.
 */
import type { LoraStatus } from "../core/lora.ts";
import type { PredictionState } from "../core/prediction.ts";
import type { Store } from "../store/index.ts";

/** How long a claim lasts unless renewed: longer than any pause of a live process's event loop. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 5_000;

export interface LeaseTiming {
  leaseMs: number;
  renewEveryMs: number;
}

/** A kind of row with leases: `renew` moves a lease from `from` to `to` if the row is still `state` with that lease. */
export interface LeasedRows<S extends string> {
  renew(id: string, state: S, from: number, to: number): Promise<boolean>;
}

export const leasedPredictions = (store: Store): LeasedRows<PredictionState> => ({
  renew: async (id, state, from, to) =>
    Boolean(await store.predictions.claim(id, { state, nextCheckAt: from }, { nextCheckAt: to })),
});

export const leasedLoras = (store: Store): LeasedRows<LoraStatus> => ({
  renew: async (id, status, from, to) =>
    Boolean(await store.loras.claim({ id, status, nextCheckAt: from }, { nextCheckAt: to })),
});

interface Held<S> {
  state: S;
  leaseEnd: number;
}

export class Leases<S extends string> {
  readonly #rows: LeasedRows<S>;
  readonly #timing: LeaseTiming;
  readonly #held = new Map<string, Held<S>>();
  #timer: NodeJS.Timeout | undefined;
  /** A renewal still running when the next is due makes the next one wait its turn. */
  #renewing = false;

  constructor(
    rows: LeasedRows<S>,
    timing: LeaseTiming = { leaseMs: LEASE_MS, renewEveryMs: RENEW_EVERY_MS },
  ) {
    this.#rows = rows;
    this.#timing = timing;
  }

  /** A new lease's end, for the claim that takes a row. */
  end(now = Date.now()): number {
    return now + this.#timing.leaseMs;
  }

  /** Keeps renewing the claim on row `id` (in `state`, its lease ending at `leaseEnd`) until `work` settles. */
  async hold<T>(id: string, state: S, leaseEnd: number, work: () => Promise<T>): Promise<T> {
    this.#held.set(id, { state, leaseEnd });
    this.#timer ??= setInterval(() => void this.#renewOnce(), this.#timing.renewEveryMs).unref();
    try {
      return await work();
    } finally {
      this.#held.delete(id);
      if (this.#held.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }
  }

  async #renewOnce(): Promise<void> {
    if (this.#renewing) return;
    this.#renewing = true;
    try {
      await this.#renew();
    } finally {
      this.#renewing = false;
    }
  }

  async #renew(): Promise<void> {
    const leaseEnd = this.end();
    await Promise.all(
      [...this.#held].map(async ([id, held]) => {
        // Renewed only while the row is as this process left it: a step that moved it on, or a
        // process that took it over, has a lease of its own.
        let renewed: boolean;
        try {
          renewed = await this.#rows.renew(id, held.state, held.leaseEnd, leaseEnd);
        } catch {
          return; // the database is out of reach for everyone: try again at the next renewal
        }
        if (this.#held.get(id) !== held) return;
        if (renewed) held.leaseEnd = leaseEnd;
        else this.#held.delete(id);
      }),
    );
  }
}
