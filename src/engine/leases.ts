/**
 * Claims on prediction rows that this process holds while it works on them (a submit, a status
 * check with its output copies). A claim is a short lease in the row's `nextCheckAt`, renewed
 * while the process lives: a long step (a create that waits, a large output) keeps its claim, and
 * when the process dies another takes its work over within one lease instead of a worst-case step.
 */
import type { PredictionState } from "../core/prediction.ts";
import type { Store } from "../store/index.ts";

/** How long a claim lasts unless renewed: longer than any pause of a live process's event loop. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 5_000;

export interface LeaseTiming {
  leaseMs: number;
  renewEveryMs: number;
}

interface Held {
  state: PredictionState;
  leaseEnd: number;
}

export class Leases {
  readonly #store: Store;
  readonly #timing: LeaseTiming;
  readonly #held = new Map<string, Held>();
  #timer: NodeJS.Timeout | undefined;
  /** A renewal still running when the next is due makes the next one wait its turn. */
  #renewing = false;

  constructor(store: Store, timing: LeaseTiming = { leaseMs: LEASE_MS, renewEveryMs: RENEW_EVERY_MS }) {
    this.#store = store;
    this.#timing = timing;
  }

  /** A new lease's end, for the claim that takes a row. */
  end(now = Date.now()): number {
    return now + this.#timing.leaseMs;
  }

  /** Keeps renewing the claim on row `id` (in `state`, its lease ending at `leaseEnd`) until `work` settles. */
  async hold<T>(id: string, state: PredictionState, leaseEnd: number, work: () => Promise<T>): Promise<T> {
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
          renewed = Boolean(
            await this.#store.predictions.claim(
              id,
              { state: held.state, nextCheckAt: held.leaseEnd },
              { nextCheckAt: leaseEnd },
            ),
          );
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
