/**
 * The state the engine's parts (and the providers: budgets and locks) share, built for the
 * database in use: in this process's memory on SQLite (one process), or shared by every process
 * on PostgreSQL (queue mode, or several `all` processes): wake-ups and events over LISTEN/NOTIFY,
 * rate budgets and circuits in tables, and advisory locks around counting and claiming work and
 * around a provider's lookups.
 */
import type { Logger } from "pino";
import type { BreakerSettings } from "../../catalog/circuit-breakers.ts";
import { LocalLocks, type NamedLocks } from "../../core/named-locks.ts";
import { LocalRateLimiter, type RateLimiter } from "../../core/rate-limiter.ts";
import type { Database } from "../../store/database.ts";
import type { Store } from "../../store/index.ts";
import { SharedLimitsRepo } from "../../store/shared-limits-repo.ts";
import { type Breakers, LocalBreakers, SharedBreakers } from "../breakers.ts";
import { type EventBus, LocalEventBus } from "../events.ts";
import { SharedRateLimiter } from "../shared-rate-limiter.ts";
import { LocalWorkSignals, type WorkSignals } from "../work-signals.ts";
import { ClusterLink } from "./cluster-link.ts";
import { PgEventBus } from "./pg-event-bus.ts";
import { PgWorkSignals } from "./pg-work-signals.ts";

/** Rate budgets and named locks, which the engine and the providers use alike. */
export interface Limits {
  limiter: RateLimiter;
  locks: NamedLocks;
}

export interface ProcessState extends Limits {
  events: EventBus;
  signals: WorkSignals;
  breakers: Breakers;
  /** How this process hears of others' work and events, for `/health`. */
  queue(): { wakeups: string; healthy: boolean };
  close(): Promise<void>;
}

/** Budgets and locks for the database in use, needing no connection of their own. */
export function limitsOf(database: Database): Limits {
  if (database.dialect === "sqlite") return { limiter: new LocalRateLimiter(), locks: new LocalLocks() };
  const shared = new SharedLimitsRepo(database.db, database.schema ?? "public");
  return { limiter: new SharedRateLimiter(shared), locks: shared };
}

export async function processState(
  database: Database,
  store: Store,
  breakerSettings: BreakerSettings,
  logger: Logger,
): Promise<ProcessState> {
  const limits = limitsOf(database);
  if (database.dialect === "sqlite") {
    return {
      ...limits,
      events: new LocalEventBus(),
      signals: new LocalWorkSignals(),
      breakers: new LocalBreakers(breakerSettings),
      queue: () => ({ wakeups: "in-process", healthy: true }),
      close: async () => {},
    };
  }
  const link = new ClusterLink(database, logger);
  await link.start();
  return {
    ...limits,
    events: new PgEventBus(link, store),
    signals: new PgWorkSignals(link),
    breakers: new SharedBreakers(
      new SharedLimitsRepo(database.db, database.schema ?? "public"),
      breakerSettings,
    ),
    queue: () => ({ wakeups: "postgres LISTEN/NOTIFY", healthy: link.healthy }),
    close: () => link.close(),
  };
}
