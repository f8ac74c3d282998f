import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import type { JournalRecord } from "../core/provider-journal.ts";
import { ProviderJournalRepo } from "./provider-journal-repo.ts";

const record = (fields: Partial<JournalRecord>): JournalRecord => ({
  kind: "start",
  workId: null,
  upstreamId: null,
  body: null,
  at: 1_000,
  ...fields,
});

describeEachBackend("ProviderJournalRepo", (open) => {
  it("gives each provider its own records, oldest first, JSON bodies as written", async () => {
    const database = await open();
    const journals = new ProviderJournalRepo(database.db);
    const sim = journals.for("sim");
    await sim.append(record({ workId: "p1", upstreamId: "u1", body: { n: 1, nested: ["a"] } }));
    await sim.append(record({ kind: "cancel", upstreamId: "u1", at: 900 }));
    await journals.for("replicate").append(record({ workId: "p1" }));
    expect(await sim.find({})).toEqual([
      record({ workId: "p1", upstreamId: "u1", body: { n: 1, nested: ["a"] } }),
      record({ kind: "cancel", upstreamId: "u1", at: 900 }),
    ]);
    expect(await journals.for("replicate").find({})).toEqual([record({ workId: "p1" })]);
  });

  it("finds records by kind, work, upstream id (one or any of several) and time", async () => {
    const database = await open();
    const journal = new ProviderJournalRepo(database.db).for("replicate");
    await journal.append(record({ kind: "intent", workId: "p1", at: 100 }));
    await journal.append(record({ kind: "created", workId: "p1", upstreamId: "r1", at: 200 }));
    await journal.append(record({ kind: "created", workId: "p2", upstreamId: "r2", at: 300 }));
    const ids = async (query: Parameters<typeof journal.find>[0]) =>
      (await journal.find(query)).map((found) => `${found.kind}:${found.workId}`);
    expect(await ids({ workId: "p1" })).toEqual(["intent:p1", "created:p1"]);
    expect(await ids({ kind: "created" })).toEqual(["created:p1", "created:p2"]);
    expect(await ids({ kind: ["intent", "created"], since: 200 })).toEqual(["created:p1", "created:p2"]);
    expect(await ids({ upstreamId: "r2" })).toEqual(["created:p2"]);
    expect(await ids({ upstreamId: ["r1", "r2", "r3"], workId: "p1" })).toEqual(["created:p1"]);
    expect(await ids({ upstreamId: [] })).toEqual([]);
    expect(await ids({ kind: [] })).toEqual([]);
  });

  it("prunes a provider's records older than a time, and only that provider's", async () => {
    const database = await open();
    const journals = new ProviderJournalRepo(database.db);
    const replicate = journals.for("replicate");
    await replicate.append(record({ workId: "old", at: 100 }));
    await replicate.append(record({ workId: "new", at: 500 }));
    await journals.for("sim").append(record({ workId: "kept", at: 100 }));
    await replicate.prune(500);
    expect((await replicate.find({})).map((found) => found.workId)).toEqual(["new"]);
    expect((await journals.for("sim").find({})).map((found) => found.workId)).toEqual(["kept"]);
  });

  it("is read by another process as soon as it is written", async () => {
    const first = await open();
    const second = await first.reopen();
    await new ProviderJournalRepo(first.db).for("sim").append(record({ workId: "p1" }));
    expect(await new ProviderJournalRepo(second.db).for("sim").find({ workId: "p1" })).toHaveLength(1);
  });
});
