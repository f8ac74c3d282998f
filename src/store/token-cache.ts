/**
 * Live tokens by hash, as read at most `ttlMs` ago: the lookup every API request makes. Any change
 * to a token or tenant made through this process's store empties it at once; a change made by
 * another process (another API node on PostgreSQL, the CLI) takes effect within `ttlMs`.
 */
import type { ApiToken } from "./tokens-repo.ts";

/** How long another process's revoke or limit change may take to reach this one. */
export const TOKEN_CACHE_MS = 2_000;
const MAX_TOKENS = 10_000;

export class TokenCache {
  readonly #ttlMs: number;
  readonly #tokens = new Map<string, { token: ApiToken; until: number }>();
  /** Counts the changes, so that a read that overlapped one is not kept. */
  #generation = 0;

  constructor(ttlMs = TOKEN_CACHE_MS) {
    this.#ttlMs = ttlMs;
  }

  async get(tokenHash: string, read: () => Promise<ApiToken | null>): Promise<ApiToken | null> {
    const now = Date.now();
    const kept = this.#tokens.get(tokenHash);
    if (kept && kept.until > now) return kept.token;
    const generation = this.#generation;
    const token = await read();
    // A change made while it was read leaves it unkept: it may be the row from before the change.
    if (token && generation === this.#generation) {
      this.#tokens.delete(tokenHash);
      this.#tokens.set(tokenHash, { token, until: now + this.#ttlMs });
      if (this.#tokens.size > MAX_TOKENS) this.#tokens.delete(this.#tokens.keys().next().value ?? "");
    } else this.#tokens.delete(tokenHash);
    return token;
  }

  /** Forgets every token: one of them, or a tenant of some, changed. */
  clear(): void {
    this.#generation++;
    this.#tokens.clear();
  }
}
