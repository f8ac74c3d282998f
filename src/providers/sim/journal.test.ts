import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSimStarts, SimJournal } from "./journal.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gengate-sim-journal-"));
  dirs.push(dir);
  return dir;
}

describe("SimJournal", () => {
  it("reads a line another process is still writing only once it is complete", () => {
    const dataDir = tempDir();
    const journal = new SimJournal(dataDir);
    const line = JSON.stringify({ predictionId: "p1", upstreamId: "sim_a", operation: { n: 1 } });
    mkdirSync(join(dataDir, "sim"));
    appendFileSync(join(dataDir, "sim", "starts.jsonl"), line.slice(0, 20));
    expect(journal.findStart("p1")).toBeNull();
    appendFileSync(join(dataDir, "sim", "starts.jsonl"), `${line.slice(20)}\n`);
    expect(journal.findStart("p1")).toEqual({ upstreamId: "sim_a", operation: { n: 1 } });
  });

  it("skips malformed lines with a warning and keeps reading", async () => {
    const dataDir = tempDir();
    const warnings: object[] = [];
    const writer = new SimJournal(dataDir);
    writer.recordStart("p1", { upstreamId: "sim_a", operation: {} });
    appendFileSync(join(dataDir, "sim", "starts.jsonl"), '{"truncated\n{"other":1}\n');
    writer.recordCancel("sim_a");
    const reader = new SimJournal(dataDir, { warn: (obj) => warnings.push(obj) });
    expect(reader.isCanceled("sim_a")).toBe(true);
    expect(reader.isCanceled("sim_b")).toBe(false);
    expect(warnings).toHaveLength(2);
    expect(await readSimStarts(dataDir)).toEqual(new Map([["p1", 1]]));
  });

  it("returns the first start when a prediction was started twice", () => {
    const journal = new SimJournal(tempDir());
    journal.recordStart("p1", { upstreamId: "sim_first", operation: {} });
    journal.recordStart("p1", { upstreamId: "sim_second", operation: {} });
    expect(journal.findStart("p1")?.upstreamId).toBe("sim_first");
    expect(journal.startCounts().get("p1")).toBe(2);
  });
});
