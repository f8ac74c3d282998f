/**
 * The state the engine's parts share, built for the database in use: in this process's memory on
 * SQLite (one process), or shared by every process on PostgreSQL (queue mode, or several `all`
 * processes): wake-ups and events over LISTEN/NOTIFY, start budgets and circuits in tables, and
 * an advisory lock around counting and claiming work.
 */
import type { Logger } from "pino";
import type { BreakerSettings } from "../../catalog/circuit-breakers.ts";
import type { Database } from "../../store/database.ts";
import type { Store } from "../../store/index.ts";
import { SharedLimitsRepo } from "../../store/shared-limits-repo.ts";
import { type Breakers, LocalBreakers, SharedBreakers } from "../breakers.ts";
import { type EventBus, LocalEventBus } from "../events.ts";
import { LocalLocks, type NamedLocks } from "../named-locks.ts";
import { LocalRateLimiter, type RateLimiter, SharedRateLimiter } from "../rate-limiter.ts";
import { LocalWorkSignals, type WorkSignals } from "../work-signals.ts";
import { ClusterLink } from "./cluster-link.ts";
import { PgEventBus } from "./pg-event-bus.ts";
import { PgWorkSignals } from "./pg-work-signals.ts";

export interface ProcessState {
  events: EventBus;
  signals: WorkSignals;
  limiter: RateLimiter;
  breakers: Breakers;
  locks: NamedLocks;
  /** How this process hears of others' work and events, for `/health`. */
  queue(): { wakeups: string; healthy: boolean };
  close(): Promise<void>;
}

export async function processState(
  database: Database,
  store: Store,
  breakerSettings: BreakerSettings,
  logger: Logger,
): Promise<ProcessState> {
  if (database.dialect === "sqlite") {
    return {
      events: new LocalEventBus(),
      signals: new LocalWorkSignals(),
      limiter: new LocalRateLimiter(),
      breakers: new LocalBreakers(breakerSettings),
      locks: new LocalLocks(),
      queue: () => ({ wakeups: "in-process", healthy: true }),
      close: async () => {},
    };
  }
  const link = new ClusterLink(database, logger);
  await link.start();
  const shared = new SharedLimitsRepo(database.db, database.schema ?? "public");
  return {
    events: new PgEventBus(link, store),
    signals: new PgWorkSignals(link),
    limiter: new SharedRateLimiter(shared),
    breakers: new SharedBreakers(shared, breakerSettings),
    locks: shared,
    queue: () => ({ wakeups: "postgres LISTEN/NOTIFY", healthy: link.healthy }),
    close: () => link.close(),
  };
}
