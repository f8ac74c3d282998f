import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CreateJournal, inputKey } from "./create-journal.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gengate-replicate-"));
  dirs.push(dir);
  return dir;
}

describe("inputKey", () => {
  it("ignores the order of fields at every level", () => {
    expect(inputKey({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(inputKey({ b: { d: "x", c: [1, 2] }, a: 1 }));
    expect(inputKey({ a: 1 })).not.toBe(inputKey({ a: 2 }));
  });
});

describe("CreateJournal", () => {
  it("is read back by another instance (a restarted process)", () => {
    const dir = tempDir();
    const writer = new CreateJournal(dir);
    writer.recordIntent("p1", { at: Date.now(), target: "model:o/n", key: "k1" });
    writer.recordIntent("p2", { at: Date.now(), target: "model:o/n", key: "k2" });
    writer.recordCreated("p2", "r2");
    const reader = new CreateJournal(dir);
    expect(reader.lookup("p1")).toMatchObject({
      intents: [{ target: "model:o/n", key: "k1" }],
      upstreamId: undefined,
    });
    expect(reader.lookup("p2").upstreamId).toBe("r2");
    expect(reader.ownedByOther("r2", "p1")).toBe(true);
    expect(reader.ownedByOther("r2", "p2")).toBe(false);
    writer.recordCreated("p1", "r1");
    expect(reader.lookup("p1").upstreamId).toBe("r1");
  });

  it("deletes files older than the previous hour when a new hour starts", () => {
    const dir = tempDir();
    const old = Math.floor(Date.now() / 3_600_000) - 2;
    mkdirSync(join(dir, "replicate"));
    writeFileSync(
      join(dir, "replicate", `creates-${old}.jsonl`),
      `${JSON.stringify({ p: "p0", id: "r0" })}\n`,
    );
    new CreateJournal(dir).recordCreated("p1", "r1");
    expect(readdirSync(join(dir, "replicate"))).toEqual([`creates-${old + 2}.jsonl`]);
  });

  it("forgets and deletes files older than the previous hour", () => {
    const dir = tempDir();
    const journal = new CreateJournal(dir);
    journal.recordIntent("p1", { at: Date.now(), target: "model:o/n", key: "k" });
    const old = Math.floor(Date.now() / 3_600_000) - 2;
    writeFileSync(
      join(dir, "replicate", `creates-${old}.jsonl`),
      `${JSON.stringify({ p: "p0", id: "r0" })}\n`,
    );
    expect(journal.lookup("p0").upstreamId).toBeUndefined();
    expect(readdirSync(join(dir, "replicate"))).toHaveLength(1);
  });
});
