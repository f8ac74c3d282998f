/**
 * Locks by name around steps that must not run twice at once: counting and claiming work, looking
 * a lost start up among an upstream's recent work. One process uses `LocalLocks`; processes that
 * share PostgreSQL use advisory locks behind the same interface (store/shared-limits-repo.ts).
 */
export interface NamedLocks {
  /** Runs `work` once no other holder of lock `name` runs, holding it until `work` settles. */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** A mutex per name in this process: holders of one name run one after the other, in turn. */
export class LocalLocks implements NamedLocks {
  /** The end of the last holder's turn, per name with holders waiting or running. */
  readonly #tails = new Map<string, Promise<void>>();

  async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(name) ?? Promise.resolve();
    let release = () => {};
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => turn);
    this.#tails.set(name, tail);
    await before;
    try {
      return await work();
    } finally {
      release();
      // The last in line leaves nothing behind.
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    }
  }
}
