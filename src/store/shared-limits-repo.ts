/**
 * PostgreSQL state that every process of a queue-mode deployment shares: token buckets taken
 * from in one statement each (on the database's clock, the same for every host), circuits changed
 * under a row lock, and named locks held while a process counts and claims work.
 */
import { type Kysely, sql } from "kysely";
import {
  type Budget,
  CLIMB_SHARE_PER_MINUTE,
  firstAnswer,
  lowered,
  QUIET_MS,
  rateAt,
  type StatedLimit,
} from "../core/adaptive-limit.ts";
import { LocalLocks, type NamedLocks } from "../core/named-locks.ts";
import type { UpstreamBudget } from "../core/rate-limiter.ts";
import type { DB } from "./schema.ts";

const NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** A bucket as configured; what it learned from the upstream is stored beside it. */
export interface SharedBucket extends Budget {
  key: string;
  probe: boolean;
}

/**
 * The learned limit (adaptive-limit.ts) is two rows of their own: `tokens` is its rate, or its
 * burst, and `updated_at` when it was learned.
 */
const learnedKey = (key: string) => `${key}#learned`;
const learnedBurstKey = (key: string) => `${key}#learned-burst`;

/**
 * CTE `s`: the bucket's rate (`per_minute`), size and the tokens a probing bucket holds back, at
 * the database's clock: core/adaptive-limit.ts's budgetAt, in SQL.
 */
function budgetNow(bucket: SharedBucket) {
  const { perMinute, burst } = bucket;
  const climbPerMs = (perMinute * CLIMB_SHARE_PER_MINUTE) / 60_000;
  return sql`l as (select tokens, updated_at from rate_buckets where key = ${learnedKey(bucket.key)}),
    e as (
      select least(${perMinute}::float8, coalesce(
        (select tokens + greatest(0, ${NOW_MS} - updated_at - ${QUIET_MS}) * ${climbPerMs}::float8 from l),
        ${perMinute}::float8)) as per_minute,
      exists (select 1 from l) as known
    ),
    s as (
      select per_minute,
        case when per_minute < ${perMinute}::float8 then greatest(1, least(${burst}::float8, coalesce(
          (select tokens from rate_buckets where key = ${learnedBurstKey(bucket.key)}), 1)))
        else ${burst}::float8 end as size,
        case when ${bucket.probe} and not known then ${burst - 1}::float8 else 0 end as held
      from e
    )`;
}

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
  /** Buckets whose learned-limit row this process knows exists (rows are never deleted). */
  readonly #learned = new Set<string>();

  constructor(db: Kysely<DB>, schema: string) {
    this.#db = db;
    this.#lockPrefix = `${schema}:`;
  }

  /**
   * Takes up to `count` tokens of bucket `key` in one statement: how many it got, and when fewer,
   * the milliseconds until the next one is there.
   */
  async take(bucket: SharedBucket, count = 1): Promise<{ taken: number; waitMs: number }> {
    await this.#ensure(bucket);
    const { rows } = await sql<{ taken: number; left: number; per_minute: number }>`
      with ${budgetNow(bucket)},
      b as (
        select r.key, s.held, s.per_minute,
          least(s.size, r.tokens + (${NOW_MS} - r.updated_at) * s.per_minute / 60000.0) as refilled
        from rate_buckets r, s where r.key = ${bucket.key} for update of r
      )
      update rate_buckets r
      set tokens = b.refilled - least(${count}::float8, floor(b.refilled - b.held)), updated_at = ${NOW_MS}
      from b where r.key = b.key and b.refilled - b.held >= 1
      returning least(${count}::float8, floor(b.refilled - b.held))::int as taken,
        r.tokens - b.held as left, b.per_minute`.execute(this.#db);
    const row = rows[0];
    const { tokens: left, perMinute } = row
      ? { tokens: Number(row.left), perMinute: Number(row.per_minute) }
      : await this.#usable(bucket);
    const taken = row?.taken ?? 0;
    const waitMs = taken === count ? 0 : Math.max(1, Math.ceil(((1 - left) * 60_000) / perMinute));
    return { taken, waitMs };
  }

  /** The tokens bucket `key` holds now for takers (negative while paused). */
  async available(bucket: SharedBucket): Promise<number> {
    return (await this.#usable(bucket)).tokens;
  }

  async #usable(bucket: SharedBucket): Promise<{ tokens: number; perMinute: number }> {
    const { rows } = await sql<{ tokens: number | null; per_minute: number }>`
      with ${budgetNow(bucket)}
      select s.per_minute, (
        select least(s.size, tokens + (${NOW_MS} - updated_at) * s.per_minute / 60000.0) - s.held
        from rate_buckets where key = ${bucket.key}
      ) as tokens, s.size - s.held as full from s`.execute(this.#db);
    const row = rows[0] as { tokens: number | null; per_minute: number; full: number };
    return { tokens: Number(row.tokens ?? row.full), perMinute: Number(row.per_minute) };
  }

  /**
   * The upstream refused: the learned limit is lowered (adaptive-limit.ts) under a row lock, so
   * that 429s seen at once by several processes lower it once, and the bucket is emptied for
   * `retryAfterMs` at the new rate.
   */
  async throttled(bucket: SharedBucket, retryAfterMs: number, stated?: StatedLimit): Promise<void> {
    await this.#ensure(bucket);
    // Committed before the transaction: the cache of rows known to exist holds for every caller.
    await this.#insertLearned(bucket);
    await this.#db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ per_minute: number; burst: number; at: number; now: number }>`
        select l.tokens as per_minute, b.tokens as burst, l.updated_at as at, ${NOW_MS} as now
        from rate_buckets l join rate_buckets b on b.key = ${learnedBurstKey(bucket.key)}
        where l.key = ${learnedKey(bucket.key)} for update of l`.execute(trx);
      const row = rows[0];
      if (!row) throw new Error(`rate bucket ${bucket.key} lost its learned limit`);
      const now = Number(row.now);
      const before = { perMinute: Number(row.per_minute), burst: Number(row.burst), at: Number(row.at) };
      const learned = lowered(bucket, before, now, stated);
      // A pause under way lasts as long at the new rate.
      const ratio = rateAt(bucket.perMinute, learned, now) / rateAt(bucket.perMinute, before, now);
      await trx
        .updateTable("rate_buckets")
        .set({ tokens: sql<number>`case when tokens < 0 then tokens * ${ratio}::float8 else tokens end` })
        .where("key", "=", bucket.key)
        .execute();
      for (const [key, tokens] of [
        [learnedKey(bucket.key), learned.perMinute],
        [learnedBurstKey(bucket.key), learned.burst],
      ] as const) {
        await trx
          .updateTable("rate_buckets")
          .set({ tokens, updated_at: learned.at })
          .where("key", "=", key)
          .execute();
      }
      await this.#pause(trx, bucket, retryAfterMs);
    });
  }

  /** The upstream said what was left of its budget (core/token-bucket.ts observe, here for every process). */
  async observe(bucket: SharedBucket, { remaining, resetMs, ageMs }: UpstreamBudget): Promise<void> {
    // Known to this process and holding no more than the upstream has left: nothing to write.
    if (this.#learned.has(bucket.key) && remaining >= bucket.burst) return;
    await this.#ensure(bucket);
    await this.#insertLearned(bucket);
    const left = sql<number>`floor(${remaining} + ${ageMs}::float8 * b.per_minute / 60000.0)`;
    const capped = sql<number>`case when b.refilled >= ${left} + 1
      then ${left} + (b.refilled - floor(b.refilled)) else b.refilled end`;
    await sql`
      with ${budgetNow(bucket)},
      b as (
        select r.key, s.per_minute, s.per_minute >= ${bucket.perMinute}::float8 as unlowered,
          least(s.size, r.tokens + (${NOW_MS} - r.updated_at) * s.per_minute / 60000.0) as refilled
        from rate_buckets r, s where r.key = ${bucket.key} for update of r
      )
      update rate_buckets r
      set tokens = case when ${remaining} = 0 and b.unlowered
          then least(${capped}, 1 - ${resetMs - ageMs}::float8 * b.per_minute / 60000.0) else ${capped} end,
        updated_at = ${NOW_MS}
      from b where r.key = b.key`.execute(this.#db);
  }

  /** Gives nothing for `ms`, then a token (the upstream said when to try again), at its current rate. */
  async #pause(db: Kysely<DB>, bucket: SharedBucket, ms: number): Promise<void> {
    await sql`
      with ${budgetNow(bucket)}
      update rate_buckets r
      set tokens = least(least(s.size, r.tokens + (${NOW_MS} - r.updated_at) * s.per_minute / 60000.0),
          1 - ${ms}::float8 * s.per_minute / 60000.0),
        updated_at = ${NOW_MS}
      from s where r.key = ${bucket.key}`.execute(db);
  }

  async #ensure(bucket: SharedBucket): Promise<void> {
    if (this.#ensured.has(bucket.key)) return;
    await this.#db
      .insertInto("rate_buckets")
      .values({ key: bucket.key, tokens: bucket.burst, updated_at: NOW_MS })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    this.#ensured.add(bucket.key);
  }

  /** The first answer ends a bucket's probe: its learned limit is the configured one until a 429. */
  async #insertLearned(bucket: SharedBucket): Promise<void> {
    if (this.#learned.has(bucket.key)) return;
    const first = firstAnswer(bucket);
    await this.#db
      .insertInto("rate_buckets")
      .values([
        { key: learnedKey(bucket.key), tokens: first.perMinute, updated_at: first.at },
        { key: learnedBurstKey(bucket.key), tokens: first.burst, updated_at: first.at },
      ])
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    this.#learned.add(bucket.key);
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
