import { describe, expect, it } from "vitest";
import { describeEachBackend } from "../../../test/support/backends.ts";
import { ProviderJournalRepo } from "../../store/index.ts";
import { CreateJournal, inputKey, KEEP_MS } from "./create-journal.ts";

describe("inputKey", () => {
  it("ignores the order of fields at every level", () => {
    expect(inputKey({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(inputKey({ b: { d: "x", c: [1, 2] }, a: 1 }));
    expect(inputKey({ a: 1 })).not.toBe(inputKey({ a: 2 }));
  });
});

describeEachBackend("CreateJournal", (open) => {
  it("is read by another process as soon as it is written", async () => {
    const first = await open();
    const writer = new CreateJournal(new ProviderJournalRepo(first.db).for("replicate"));
    const reader = new CreateJournal(new ProviderJournalRepo((await first.reopen()).db).for("replicate"));
    await writer.recordIntent("p1", { at: Date.now(), target: "model:o/n", key: "k1" });
    await writer.recordIntent("p2", { at: Date.now(), target: "model:o/n", key: "k2" });
    await writer.recordCreated("p2", "r2");
    expect(await reader.lookup("p1")).toMatchObject({
      intents: [{ target: "model:o/n", key: "k1" }],
      upstreamId: undefined,
    });
    expect((await reader.lookup("p2")).upstreamId).toBe("r2");
    expect(await reader.ownedByOthers(["r2", "r9"], "p1")).toEqual(new Set(["r2"]));
    expect(await reader.ownedByOthers(["r2"], "p2")).toEqual(new Set());
    await writer.recordCreated("p1", "r1");
    expect((await reader.lookup("p1")).upstreamId).toBe("r1");
  });

  it("forgets creates older than 2 hours, and deletes them as it writes", async () => {
    const database = await open();
    const records = new ProviderJournalRepo(database.db).for("replicate");
    const old = Date.now() - KEEP_MS - 60_000;
    await records.append({ kind: "created", workId: "p0", upstreamId: "r0", body: null, at: old });
    const journal = new CreateJournal(records);
    expect((await journal.lookup("p0")).upstreamId).toBeUndefined();
    expect(await journal.ownedByOthers(["r0"], "p1")).toEqual(new Set());
    expect(await records.find({ workId: "p0" })).toHaveLength(1);
    await journal.recordIntent("p1", { at: Date.now(), target: "model:o/n", key: "k" });
    expect(await records.find({ workId: "p0" })).toEqual([]);
    expect(await records.find({ workId: "p1" })).toHaveLength(1);
  });
});
