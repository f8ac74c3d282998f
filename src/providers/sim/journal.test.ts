import { expect, it } from "vitest";
import { describeEachBackend } from "../../../test/support/backends.ts";
import { ProviderJournalRepo } from "../../store/index.ts";
import { SimJournal, simStartCounts } from "./journal.ts";

describeEachBackend("SimJournal", (open) => {
  it("returns the first start when a prediction was started twice, and counts both", async () => {
    const database = await open();
    const records = new ProviderJournalRepo(database.db).for("sim");
    const journal = new SimJournal(records);
    await journal.recordStart("p1", { upstreamId: "sim_first", operation: { n: 1 } });
    await journal.recordStart("p1", { upstreamId: "sim_second", operation: { n: 2 } });
    await journal.recordStart("t1", { upstreamId: "sim_t", operation: { kind: "training" } });
    expect(await journal.findStart("p1")).toEqual({ upstreamId: "sim_first", operation: { n: 1 } });
    expect(await journal.findStart("t1")).toEqual({ upstreamId: "sim_t", operation: { kind: "training" } });
    expect(await journal.findStart("p2")).toBeNull();
    expect(await simStartCounts(records)).toEqual(
      new Map([
        ["p1", 2],
        ["t1", 1],
      ]),
    );
  });

  it("keeps trainings apart, oldest first, and cancels, for every process", async () => {
    const first = await open();
    const writer = new SimJournal(new ProviderJournalRepo(first.db).for("sim"));
    const reader = new SimJournal(new ProviderJournalRepo((await first.reopen()).db).for("sim"));
    await writer.recordStart("t1", { upstreamId: "sim_t1", operation: { kind: "training", n: 1 } });
    await writer.recordStart("p1", { upstreamId: "sim_p1", operation: { kind: "image" } });
    await writer.recordStart("t2", { upstreamId: "sim_t2", operation: { kind: "training", n: 2 } });
    await writer.recordCancel("sim_t1");
    expect((await reader.trainingStarts()).map((start) => start.upstreamId)).toEqual(["sim_t1", "sim_t2"]);
    expect(await reader.isCanceled("sim_t1")).toBe(true);
    expect(await reader.isCanceled("sim_p1")).toBe(false);
    expect(await reader.canceled(["sim_t1", "sim_t2"])).toEqual(new Set(["sim_t1"]));
  });
});
