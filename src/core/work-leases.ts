/**
 * Work that one live process at a time may do, across every process sharing gengate's database
 * (a local job, which lives in the memory of the process running it). The process doing it holds
 * a lease on its name and renews it while it lives; a lease its holder stopped renewing (the
 * process died) lapses, and another process may take it and do the work again.
 */
export interface WorkLeases {
  /**
   * Takes lease `name` for `holder` until `ttlMs` from now, unless another holder's lease on it
   * has not lapsed; whether `holder` holds it now.
   */
  take(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends `holder`'s leases on `names` to `ttlMs` from now; the names it no longer holds. */
  renew(holder: string, names: readonly string[], ttlMs: number): Promise<string[]>;
  /** Lets go of `holder`'s lease on `name` (another process may take it at once). */
  release(name: string, holder: string): Promise<void>;
}
