/**
 * PostgreSQL state that every process of a queue-mode deployment shares: token buckets taken
 * from in one statement each (on the database's clock, the same for every host), circuits changed
 * under a row lock, and named locks held while a process counts and claims work.
 */
import { type Kysely, sql } from "kysely";
import { LocalLocks, type NamedLocks } from "../core/named-locks.ts";
import type { DB } from "./schema.ts";

const NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export class SharedLimitsRepo implements NamedLocks {
  readonly #db: Kysely<DB>;
  /**
   * Holders of one name in this process wait here, not on the server: each waiter there would hold
   * a pooled connection, and enough of them would leave the holder none for its own queries.
   */
  readonly #inProcess = new LocalLocks();
  /** Advisory locks are server-wide: names are prefixed with the schema, so deployments stay apart. */
  readonly #lockPrefix: string;
  readonly #ensured = new Set<string>();

  constructor(db: Kysely<DB>, schema: string) {
    this.#db = db;
    this.#lockPrefix = `${schema}:`;
  }

  /**
   * Takes up to `count` tokens of bucket `key` in one statement: how many it got, and when fewer,
   * the milliseconds until the next one is there.
   */
  async take(
    key: string,
    perMinute: number,
    burst: number,
    count = 1,
  ): Promise<{ taken: number; waitMs: number }> {
    const rate = perMinute / 60_000;
    await this.#ensure(key, burst);
    const { rows } = await sql<{ taken: number; left: number }>`
      with b as (
        select key, least(${burst}::float8, tokens + (${NOW_MS} - updated_at) * ${rate}::float8) as refilled
        from rate_buckets where key = ${key} for update
      )
      update rate_buckets r
      set tokens = b.refilled - least(${count}::float8, floor(b.refilled)), updated_at = ${NOW_MS}
      from b where r.key = b.key and b.refilled >= 1
      returning least(${count}::float8, floor(b.refilled))::int as taken, r.tokens as left`.execute(this.#db);
    const row = rows[0];
    const left = row ? Number(row.left) : await this.available(key, perMinute, burst);
    const taken = row?.taken ?? 0;
    const waitMs = taken === count ? 0 : Math.max(1, Math.ceil((1 - left) / rate));
    return { taken, waitMs };
  }

  /** The tokens bucket `key` holds now (negative while paused). */
  async available(key: string, perMinute: number, burst: number): Promise<number> {
    const rate = perMinute / 60_000;
    const row = await this.#db
      .selectFrom("rate_buckets")
      .select(
        sql<number>`least(${burst}::float8, tokens + (${NOW_MS} - updated_at) * ${rate}::float8)`.as(
          "tokens",
        ),
      )
      .where("key", "=", key)
      .executeTakeFirst();
    return row ? Number(row.tokens) : burst;
  }

  /** Empties bucket `key` for `ms`, after the upstream said it is over its limit. */
  async pause(key: string, perMinute: number, burst: number, ms: number): Promise<void> {
    const rate = perMinute / 60_000;
    await this.#ensure(key, burst);
    const refilled = sql<number>`least(${burst}::float8, tokens + (${NOW_MS} - updated_at) * ${rate}::float8)`;
    await this.#db
      .updateTable("rate_buckets")
      .set({ tokens: sql`least(${refilled}, ${-ms * rate}::float8)`, updated_at: NOW_MS })
      .where("key", "=", key)
      .execute();
  }

  async #ensure(key: string, burst: number): Promise<void> {
    if (this.#ensured.has(key)) return;
    await this.#db
      .insertInto("rate_buckets")
      .values({ key, tokens: burst, updated_at: NOW_MS })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    this.#ensured.add(key);
  }

  /** Circuit `key` as stored (JSON), or null. */
  async circuit(key: string): Promise<string | null> {
    const row = await this.#db
      .selectFrom("circuits")
      .select("circuit")
      .where("key", "=", key)
      .executeTakeFirst();
    return row?.circuit ?? null;
  }

  /** Changes circuit `key` with `change` while no other process can; returns what `change` answers. */
  async changeCircuit<T>(
    key: string,
    change: (stored: string | null) => { circuit: string; result: T },
  ): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto("circuits")
        .values({ key, circuit: "null" })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
      const row = await trx
        .selectFrom("circuits")
        .select("circuit")
        .where("key", "=", key)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const { circuit, result } = change(row.circuit === "null" ? null : row.circuit);
      await trx.updateTable("circuits").set({ circuit }).where("key", "=", key).execute();
      return result;
    });
  }

  /** Runs `work` while holding the named lock, which one holder in one process at a time can hold. */
  withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    const key = `${this.#lockPrefix}${name}`;
    return this.#inProcess.withLock(name, () =>
      this.#db.connection().execute(async (connection) => {
        await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(connection);
        try {
          return await work();
        } finally {
          await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection);
        }
      }),
    );
  }
}
