/**
 * One leader among the processes that start the same singleton: on PostgreSQL the others follow
 * until the leader stops or loses its connection, then one of them takes over; on SQLite the one
 * process leads at once.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { backends, pgUnavailable, REQUIRE_BACKENDS } from "../../test/support/backends.ts";
import { PG_URL } from "../../test/support/postgres-schema.ts";
import { until } from "../../test/support/until.ts";
import { type Singleton, startSingleton } from "./singleton.ts";

const backend = (name: string) => backends.find((b) => b.name === name);

/** A lead that counts how many processes lead at once, until its signal aborts. */
function leadCounter() {
  const state = { now: 0, most: 0, starts: 0 };
  const lead = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      state.starts++;
      state.most = Math.max(state.most, ++state.now);
      signal.addEventListener("abort", () => {
        state.now--;
        resolve();
      });
    });
  return { state, lead };
}

describe("startSingleton", () => {
  it("leads at once on SQLite", async () => {
    const database = await backend("sqlite")?.open();
    if (!database) throw new Error("no SQLite backend");
    const { state, lead } = leadCounter();
    const singleton = startSingleton(database, "sweeps", lead);
    await until(() => (singleton.leading ? true : undefined), 5_000);
    await singleton.stop();
    expect(state).toEqual({ now: 0, most: 1, starts: 1 });
  });

  it.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)(
    "leads in one PostgreSQL process at a time, and moves to another when the leader stops or loses its connection",
    async () => {
      const first = await backend("postgres")?.open();
      if (!first) throw new Error("no PostgreSQL backend");
      const databases = [first, await first.reopen(), await first.reopen()];
      const { state, lead } = leadCounter();
      const singletons: Singleton[] = databases.map((database) =>
        startSingleton(database, "telegram", lead, { retryMs: 100 }),
      );
      const leader = () => until(() => singletons.find((s) => s.leading), 10_000);
      try {
        const firstLeader = await leader();
        await firstLeader.stop();
        singletons.splice(singletons.indexOf(firstLeader), 1);
        await leader();
        // The leader's lock connection is cut, as when its host dies: another takes over.
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        try {
          // The lock's 64-bit key shows in pg_locks as two 32-bit halves.
          const { rowCount } = await admin.query(
            `select pg_terminate_backend(pid) from pg_locks, (select hashtextextended($1, 0) as key) k
             where locktype = 'advisory' and granted and objsubid = 1
               and classid::bigint = (key >> 32) & 4294967295 and objid::bigint = key & 4294967295`,
            [`${first.schema}:singleton:telegram`],
          );
          expect(rowCount).toBe(1);
        } finally {
          await admin.end();
        }
        await until(() => (state.starts === 3 && state.now === 1 ? true : undefined), 10_000);
        expect(state.most).toBe(1);
      } finally {
        await Promise.all(singletons.map((s) => s.stop()));
      }
      expect(state.now).toBe(0);
    },
  );
});
