import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { newId } from "../core/ids.ts";
import { WebhookDeliveriesRepo, type WebhookDelivery } from "./webhook-deliveries-repo.ts";

const NOW = Date.now();

function delivery(overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: `msg_${newId()}`,
    subjectId: "p1",
    event: "completed",
    url: "https://hooks.example.com/in",
    payload: JSON.stringify({ id: "p1", status: "succeeded" }),
    state: "pending",
    attempts: 0,
    nextAttemptAt: NOW,
    lastStatus: null,
    lastError: null,
    createdAt: NOW,
    tokenId: "tok",
    ...overrides,
  };
}

describeEachBackend("WebhookDeliveriesRepo", (open) => {
  async function repo(): Promise<WebhookDeliveriesRepo> {
    const database = await open();
    return new WebhookDeliveriesRepo(database.db, database.dialect);
  }

  it("returns due pending deliveries, earliest first", async () => {
    const deliveries = await repo();
    const later = delivery({ nextAttemptAt: NOW - 1 });
    const first = delivery({ nextAttemptAt: NOW - 100 });
    const future = delivery({ nextAttemptAt: NOW + 1 });
    const delivered = delivery({ state: "delivered", nextAttemptAt: NOW - 500 });
    const failed = delivery({ state: "failed", nextAttemptAt: NOW - 500 });
    for (const d of [later, first, future, delivered, failed]) await deliveries.insert(d);
    expect(await deliveries.due(NOW, 10)).toEqual([first, later]);
    expect(await deliveries.due(NOW, 1)).toEqual([first]);
  });

  it("claims optimistically: only the caller that saw the current nextAttemptAt wins", async () => {
    const deliveries = await repo();
    const d = delivery();
    await deliveries.insert(d);
    const results = await Promise.all([
      deliveries.claim(d.id, NOW, NOW + 30_000),
      deliveries.claim(d.id, NOW, NOW + 30_000),
    ]);
    expect(results.filter((r) => r !== null)).toEqual([{ ...d, nextAttemptAt: NOW + 30_000 }]);
    expect(await deliveries.due(NOW, 10)).toEqual([]);
    await deliveries.markDelivered(d.id, 204);
    expect(await deliveries.claim(d.id, NOW + 30_000, NOW + 60_000)).toBeNull();
  });

  it("records delivery and failed attempts", async () => {
    const deliveries = await repo();
    const ok = delivery({ subjectId: "p2", createdAt: NOW });
    const bad = delivery({ subjectId: "p2", event: "start", createdAt: NOW + 1 });
    await deliveries.insert(ok);
    await deliveries.insert(bad);
    await deliveries.markDelivered(ok.id, 200);
    await deliveries.markAttempt(bad.id, {
      attempts: 1,
      nextAttemptAt: NOW + 5000,
      lastStatus: 500,
      lastError: "server error",
      state: "pending",
    });
    expect(await deliveries.listForSubject("p2")).toEqual([
      { ...ok, state: "delivered", attempts: 1, lastStatus: 200 },
      { ...bad, attempts: 1, nextAttemptAt: NOW + 5000, lastStatus: 500, lastError: "server error" },
    ]);
    await deliveries.markAttempt(bad.id, {
      attempts: 2,
      nextAttemptAt: NOW + 5000,
      lastStatus: null,
      lastError: "connection refused",
      state: "failed",
    });
    expect(await deliveries.due(NOW + 10_000, 10)).toEqual([]);
    expect(await deliveries.listForSubject("p1")).toEqual([]);
  });

  it("inserts a throttled delivery only when none of those events of its subject is that recent, also when asked at once", async () => {
    const database = await open();
    // As two processes on PostgreSQL; SQLite is served by one process through one handle.
    const databases = database.dialect === "postgres" ? [database, await database.reopen()] : [database];
    const handles = databases.map((d) => new WebhookDeliveriesRepo(d.db, d.dialect));
    const throttled = (createdAt: number, event: "logs" | "output" = "logs") =>
      delivery({ subjectId: "p3", event, createdAt });
    const first = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        handles[i % handles.length]?.insertUnlessRecent(throttled(NOW), ["output", "logs"], 500),
      ),
    );
    expect(first.filter(Boolean)).toHaveLength(1);
    const repo = handles[0] as WebhookDeliveriesRepo;
    expect(await repo.insertUnlessRecent(throttled(NOW + 499, "output"), ["output", "logs"], 500)).toBe(
      false,
    );
    expect(await repo.insertUnlessRecent(throttled(NOW + 500), ["output", "logs"], 500)).toBe(true);
    // Other events and other subjects do not count.
    await repo.insert(delivery({ subjectId: "p3", event: "start", createdAt: NOW + 900 }));
    expect(await repo.insertUnlessRecent(throttled(NOW + 1_000), ["output", "logs"], 500)).toBe(true);
    expect(
      await repo.insertUnlessRecent(
        delivery({ subjectId: "p4", event: "logs", createdAt: NOW + 1_000 }),
        ["logs"],
        500,
      ),
    ).toBe(true);
    expect((await repo.listForSubject("p3")).map((d) => d.createdAt)).toEqual([
      NOW,
      NOW + 500,
      NOW + 900,
      NOW + 1_000,
    ]);
  });
});
