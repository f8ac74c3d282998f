import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { until } from "../../test/support/until.ts";
import { WorkLeasesRepo } from "./work-leases-repo.ts";

describeEachBackend("WorkLeasesRepo", (open) => {
  it("gives a lease to one holder until it lapses, then to another", async () => {
    const database = await open();
    const leases = new WorkLeasesRepo(database.db, database.dialect);
    expect(await leases.take("job", "a", 60_000)).toBe(true);
    expect(await leases.take("job", "a", 60_000)).toBe(true);
    expect(await leases.take("job", "b", 60_000)).toBe(false);
    expect(await leases.take("other", "b", 60_000)).toBe(true);

    expect(await leases.take("short", "a", 50)).toBe(true);
    expect(await leases.take("short", "b", 60_000)).toBe(false);
    await until(async () => ((await leases.take("short", "b", 60_000)) ? true : undefined), 5_000);
    expect(await leases.take("short", "a", 60_000)).toBe(false);
  });

  it("renews a holder's leases, telling which it no longer holds", async () => {
    const database = await open();
    const leases = new WorkLeasesRepo(database.db, database.dialect);
    await leases.take("kept", "a", 50);
    await leases.take("lost", "a", 50);
    await until(async () => ((await leases.take("lost", "b", 60_000)) ? true : undefined), 5_000);
    expect(await leases.renew("a", ["kept", "lost", "never"], 60_000)).toEqual(["lost", "never"]);
    expect(await leases.take("kept", "b", 60_000)).toBe(false);
    expect(await leases.renew("a", [], 60_000)).toEqual([]);
  });

  it("lets go of a lease for another holder at once, but only its holder's", async () => {
    const database = await open();
    const leases = new WorkLeasesRepo(database.db, database.dialect);
    await leases.take("job", "a", 60_000);
    await leases.release("job", "b");
    expect(await leases.take("job", "b", 60_000)).toBe(false);
    await leases.release("job", "a");
    expect(await leases.take("job", "b", 60_000)).toBe(true);
  });

  it("gives a lapsed lease to one of the processes taking it at once", async () => {
    const first = await open();
    const second = await first.reopen();
    const a = new WorkLeasesRepo(first.db, first.dialect);
    const b = new WorkLeasesRepo(second.db, second.dialect);
    // The lease of a process that died long ago.
    await first.db.insertInto("work_leases").values({ name: "job", holder: "dead", expires_at: 0 }).execute();
    const takes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).take("job", `holder-${i}`, 60_000)),
    );
    expect(takes.filter(Boolean)).toHaveLength(1);
  });
});
