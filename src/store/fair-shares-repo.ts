/**
 * How many starts each tenant and group waiting at a provider has been served, shared by every
 * process: the dispatcher reads and writes them while it holds the lock it counts and claims
 * work under, so fair turns are global rather than each process's own.
 */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

export type FairShareScope = "tenant" | "group";

export interface ServedCount {
  scope: FairShareScope;
  key: string;
  served: number;
}

export interface ServedCountChanges {
  set: readonly ServedCount[];
  removed: readonly ServedCount[];
}

/** Rows written per statement, well under either database's limit of bound parameters. */
const CHUNK = 500;

export class FairSharesRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async load(provider: string): Promise<ServedCount[]> {
    const rows = await this.#db
      .selectFrom("fair_shares")
      .select(["scope", "key", "served"])
      .where("provider", "=", provider)
      .execute();
    return rows.map((row) => ({
      scope: row.scope as FairShareScope,
      key: row.key,
      served: Number(row.served),
    }));
  }

  async save(provider: string, changes: ServedCountChanges): Promise<void> {
    const removals = chunks(changes.removed);
    const sets = chunks(changes.set);
    const write = async (db: Kysely<DB>) => {
      for (const removed of removals) {
        await db
          .deleteFrom("fair_shares")
          .where("provider", "=", provider)
          .where((eb) =>
            eb.or(removed.map((count) => eb.and([eb("scope", "=", count.scope), eb("key", "=", count.key)]))),
          )
          .execute();
      }
      for (const set of sets) {
        await db
          .insertInto("fair_shares")
          .values(
            set.map((count) => ({ provider, scope: count.scope, key: count.key, served: count.served })),
          )
          .onConflict((oc) =>
            oc
              .columns(["provider", "scope", "key"])
              .doUpdateSet((eb) => ({ served: eb.ref("excluded.served") })),
          )
          .execute();
      }
    };
    const statements = removals.length + sets.length;
    if (statements === 0) return;
    // One statement is a transaction of its own.
    if (statements === 1) return write(this.#db);
    await this.#db.transaction().execute(write);
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
