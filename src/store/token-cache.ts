/**
 * Live tokens by hash: the lookup every API request makes. Any change to a token or tenant made
 * through this process's store empties it at once; a change made by another process takes effect
 * within TOKEN_CACHE_MS.
 */
import { ReadCache } from "./read-cache.ts";
import type { ApiToken } from "./tokens-repo.ts";

/** How long another process's revoke or limit change may take to reach this one. */
export const TOKEN_CACHE_MS = 2_000;

export class TokenCache extends ReadCache<ApiToken | null> {
  constructor(ttlMs = TOKEN_CACHE_MS) {
    super(ttlMs, (token) => token !== null);
  }
}
