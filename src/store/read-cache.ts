/**
 * Values read from the database at most `ttlMs` ago, by key, for lookups made on every request.
 * Any change made through this process's store empties it at once (clear()); a change made by
 * another process (another API node on PostgreSQL, the CLI) takes effect within `ttlMs`.
 */
const MAX_ENTRIES = 10_000;

export class ReadCache<V> {
  readonly #ttlMs: number;
  readonly #keep: (value: V) => boolean;
  readonly #entries = new Map<string, { value: V; until: number }>();
  /** Counts the changes, so that a read that overlapped one is not kept. */
  #generation = 0;

  /** `keep`: whether a value read is kept (an unknown token is not, so guesses cannot fill it). */
  constructor(ttlMs: number, keep: (value: V) => boolean = () => true) {
    this.#ttlMs = ttlMs;
    this.#keep = keep;
  }

  async get(key: string, read: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const kept = this.#entries.get(key);
    if (kept && kept.until > now) return kept.value;
    const generation = this.#generation;
    const value = await read();
    // A change made while it was read leaves it unkept: it may be the row from before the change.
    if (this.#keep(value) && generation === this.#generation) {
      this.#entries.delete(key);
      this.#entries.set(key, { value, until: now + this.#ttlMs });
      if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value ?? "");
    } else this.#entries.delete(key);
    return value;
  }

  /** Forgets every value: one of them changed. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
