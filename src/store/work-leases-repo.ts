/**
 * Leases on work one live process at a time may do (core/work-leases.ts), in the `work_leases` table.
 * On PostgreSQL times are the database's clock, the same for every host; on SQLite (one process)
 * this process's.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { WorkLeases } from "../core/work-leases.ts";
import type { Database } from "./database.ts";
import type { DB } from "./schema.ts";

const PG_NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export class WorkLeasesRepo implements WorkLeases {
  readonly #db: Kysely<DB>;
  readonly #dialect: Database["dialect"];

  constructor(db: Kysely<DB>, dialect: Database["dialect"]) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async take(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    const expiresAt = sql<number>`${now} + ${ttlMs}`;
    const taken = await this.#db
      .insertInto("work_leases")
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column("name")
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) =>
            eb.or([eb("work_leases.holder", "=", holder), eb("work_leases.expires_at", "<=", now)]),
          ),
      )
      .returning("holder")
      .executeTakeFirst();
    return taken !== undefined;
  }

  async renew(holder: string, names: readonly string[], ttlMs: number): Promise<string[]> {
    if (names.length === 0) return [];
    const renewed = await this.#db
      .updateTable("work_leases")
      .set({ expires_at: sql<number>`${this.#now()} + ${ttlMs}` })
      .where("holder", "=", holder)
      .where("name", "in", names)
      .returning("name")
      .execute();
    const held = new Set(renewed.map((row) => row.name));
    return names.filter((name) => !held.has(name));
  }

  async release(name: string, holder: string): Promise<void> {
    await this.#db.deleteFrom("work_leases").where("name", "=", name).where("holder", "=", holder).execute();
  }

  #now(): RawBuilder<number> {
    return this.#dialect === "postgres" ? PG_NOW_MS : sql<number>`${Date.now()}`;
  }
}
