/**
 * The limits processes share on PostgreSQL, taken at once from two connections pools as two
 * processes would: a bucket never gives more than it holds, a paused bucket gives nothing, circuit
 * changes never overwrite each other, and a named lock is held by one at a time.
 */
import { describe, expect, it } from "vitest";
import { backends, pgUnavailable, REQUIRE_BACKENDS } from "../../test/support/backends.ts";
import { SharedLimitsRepo } from "./shared-limits-repo.ts";

const bucket = (key: string, perMinute: number, burst: number) => ({ key, perMinute, burst, probe: false });
const postgres = backends.find((backend) => backend.name === "postgres");

async function twoProcesses(): Promise<[SharedLimitsRepo, SharedLimitsRepo]> {
  const first = await postgres?.open();
  if (!first) throw new Error("no PostgreSQL backend");
  const second = await first.reopen();
  const schema = first.schema ?? "";
  return [new SharedLimitsRepo(first.db, schema), new SharedLimitsRepo(second.db, schema)];
}

describe.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)("SharedLimitsRepo", () => {
  it("gives a bucket's burst once between processes taking at once, then says how long to wait", async () => {
    const [a, b] = await twoProcesses();
    const takes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).take(bucket("acct", 6, 5), i % 3 === 0 ? 2 : 1),
      ),
    );
    expect(takes.reduce((sum, take) => sum + take.taken, 0)).toBe(5);
    // 6 a minute is one token every 10 s.
    for (const { waitMs } of takes.filter((take) => take.taken === 0)) expect(waitMs).toBeGreaterThan(9_000);
    expect(await b.available(bucket("acct", 6, 5))).toBeLessThan(1);
    expect(await a.take(bucket("other", 6, 5), 3)).toEqual({ taken: 3, waitMs: 0 });
    const rest = await a.take(bucket("other", 6, 5), 3);
    expect(rest.taken).toBe(2);
    expect(rest.waitMs).toBeGreaterThan(9_000);
    expect(rest.waitMs).toBeLessThanOrEqual(10_000);
  });

  it("pauses a bucket for every process after an upstream's 429, at the rate it stated", async () => {
    const [a, b] = await twoProcesses();
    const acct = bucket("acct", 600, 10);
    expect(await a.take(acct)).toEqual({ taken: 1, waitMs: 0 });
    await a.throttled(acct, 2_000, { perMinute: 60, burst: 6 });
    const { taken, waitMs } = await b.take(acct);
    expect(taken).toBe(0);
    expect(waitMs).toBeGreaterThan(1_800);
    expect(waitMs).toBeLessThanOrEqual(2_000);
  });

  it("lowers a limit once for 429s that several processes see at once", async () => {
    const [a, b] = await twoProcesses();
    const acct = bucket("halved", 600, 10);
    await Promise.all([a.throttled(acct, 0), b.throttled(acct, 0), a.throttled(acct, 0)]);
    // Halved once (300 a minute, no burst: a token every 200 ms), not three times (every 1.6 s).
    expect((await b.take(acct, 2)).taken).toBe(1);
    const { waitMs } = await a.take(acct);
    expect(waitMs).toBeGreaterThan(150);
    expect(waitMs).toBeLessThanOrEqual(200);
  });

  it("probes with one token until the upstream first answered, then gives the whole burst it says is left", async () => {
    const [a, b] = await twoProcesses();
    const acct = { ...bucket("probed", 600, 10), probe: true };
    expect(await a.take(acct, 5)).toMatchObject({ taken: 1 });
    expect((await b.take(acct, 5)).taken).toBe(0);
    await b.observe(acct, { remaining: 4, resetMs: 1_000, ageMs: 0 });
    expect((await a.take(acct, 10)).taken).toBe(4);
  });

  it("waits for the reset when the upstream says nothing is left before it ever refused", async () => {
    const [a, b] = await twoProcesses();
    const acct = bucket("reset", 600, 10);
    await a.observe(acct, { remaining: 0, resetMs: 3_000, ageMs: 0 });
    const { taken, waitMs } = await b.take(acct);
    expect(taken).toBe(0);
    expect(waitMs).toBeGreaterThan(2_800);
    expect(waitMs).toBeLessThanOrEqual(3_100);
  });

  it("changes a circuit in one process at a time, none overwriting another", async () => {
    const [a, b] = await twoProcesses();
    const bump = (repo: SharedLimitsRepo) =>
      repo.changeCircuit("target#0", (stored) => {
        const count = stored === null ? 1 : Number(stored) + 1;
        return { circuit: String(count), result: count };
      });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 === 0 ? a : b)));
    expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await b.circuit("target#0")).toBe("20");
  });

  it("holds a named lock in one process at a time", async () => {
    const [a, b] = await twoProcesses();
    let holders = 0;
    let most = 0;
    const hold = (repo: SharedLimitsRepo) =>
      repo.withLock("dispatch:sim", async () => {
        most = Math.max(most, ++holders);
        await new Promise((resolve) => setTimeout(resolve, 5));
        holders--;
      });
    await Promise.all(Array.from({ length: 10 }, (_, i) => hold(i % 2 === 0 ? a : b)));
    expect(most).toBe(1);
  });

  it("lets more holders wait in one process than its pool has connections, each holder querying", async () => {
    const first = await postgres?.open();
    if (!first) throw new Error("no PostgreSQL backend");
    const repo = new SharedLimitsRepo(first.db, first.schema ?? "");
    let done = 0;
    // The pool has 10 connections: waiters holding one each would leave the holder none to query with.
    await Promise.all(
      Array.from({ length: 25 }, () =>
        repo.withLock("replicate:lookups", async () => {
          await first.db.selectFrom("rate_buckets").selectAll().execute();
          done++;
        }),
      ),
    );
    expect(done).toBe(25);
  }, 15_000);
});
