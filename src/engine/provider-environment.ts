/**
 * What the providers of a process are built with: their journals and leases in gengate's database,
 * and the rate budgets and locks of the database in use (cluster/process-state.ts). A failure of
 * gengate's own database reaches a provider's caller as a retryable error: the work is not at
 * fault, and the engine tries again (a start looks its work up first) instead of failing it.
 */
import { GatewayError } from "../core/errors.ts";
import type { NamedLocks } from "../core/named-locks.ts";
import type { ProviderJournals } from "../core/provider-journal.ts";
import type { RateLimiter } from "../core/rate-limiter.ts";
import type { WorkLeases } from "../core/work-leases.ts";
import type { ProviderEnvironment } from "../providers/provider.ts";
import type { Store } from "../store/index.ts";
import type { Limits } from "./cluster/process-state.ts";

export function providerEnvironment(
  store: Store,
  limits: Limits,
  process: Pick<ProviderEnvironment, "dataDir" | "logger">,
): ProviderEnvironment {
  return {
    ...process,
    journals: journalsOf(store.providerJournals),
    leases: leasesOf(store.workLeases),
    limiter: limiterOf(limits.limiter),
    locks: locksOf(limits.locks),
  };
}

/** A failure of gengate's database as the retryable error a provider's caller gets. */
function ourFailure(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new GatewayError("internal", `gengate's database: ${reason}`, { retryable: true, cause: error });
}

async function ours<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    throw ourFailure(error);
  }
}

function journalsOf(journals: ProviderJournals): ProviderJournals {
  return {
    for(provider) {
      const journal = journals.for(provider);
      return {
        append: (record) => ours(journal.append(record)),
        find: (query) => ours(journal.find(query)),
        prune: (before) => ours(journal.prune(before)),
      };
    },
  };
}

function leasesOf(leases: WorkLeases): WorkLeases {
  return {
    take: (name, holder, ttlMs) => ours(leases.take(name, holder, ttlMs)),
    renew: (holder, names, ttlMs) => ours(leases.renew(holder, names, ttlMs)),
    release: (name, holder) => ours(leases.release(name, holder)),
  };
}

function limiterOf(limiter: RateLimiter): RateLimiter {
  return {
    bucket(key, perMinute, burst, options) {
      const bucket = limiter.bucket(key, perMinute, burst, options);
      return {
        budget: bucket.budget,
        take: (count) => ours(bucket.take(count)),
        available: () => ours(bucket.available()),
        throttled: (retryAfterMs, stated) => ours(bucket.throttled(retryAfterMs, stated)),
        observe: (budget) => ours(bucket.observe(budget)),
      };
    },
  };
}

function locksOf(locks: NamedLocks): NamedLocks {
  return {
    async withLock(name, work) {
      let held = false;
      try {
        return await locks.withLock(name, () => {
          held = true;
          return work();
        });
      } catch (error) {
        // What the work throws is its own; only taking the lock is the database's doing.
        throw held ? error : ourFailure(error);
      }
    },
  };
}
