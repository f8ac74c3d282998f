/**
 * New predictions started from their insert. Where one process both stores and starts work and
 * alone holds the database (embedded SQLite), a new prediction whose provider has nothing queued
 * and a free place is stored already claimed by this process's dispatcher and started at once: one
 * write fewer than queueing it for a claim, and no dispatcher pass. The worker registers its
 * dispatcher while it runs so; without one, new work is queued as always.
 */
import type { Prediction } from "../core/prediction.ts";
import type { StoredPrediction } from "../store/index.ts";

/** The row a new prediction is stored as when it can start at once, and its provider's places. */
export interface NewClaim {
  row: StoredPrediction;
  concurrency: number;
}

/** Stores a new prediction: as `claim` says when its provider has room for it (true), else queued. */
export type StoreNew = (claim: NewClaim | null) => Promise<boolean>;

export interface NewWorkStarter {
  /** Stores `prediction` through `store`, and starts it if it was stored claimed; whether it was. */
  storeAndStart(prediction: Prediction, store: StoreNew): Promise<boolean>;
}

export class ImmediateStarts {
  #starter: NewWorkStarter | undefined;

  /** Starts new work through `starter` until the function returned is called. */
  register(starter: NewWorkStarter): () => void {
    this.#starter = starter;
    return () => {
      if (this.#starter === starter) this.#starter = undefined;
    };
  }

  /** Stores `prediction`, started at once if this process can; whether it was. */
  async store(prediction: Prediction, store: StoreNew): Promise<boolean> {
    if (this.#starter) return this.#starter.storeAndStart(prediction, store);
    await store(null);
    return false;
  }
}
