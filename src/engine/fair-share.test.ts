import { describe, expect, it } from "vitest";
import type { ServedCount, StoredPrediction } from "../store/index.ts";
import { FairShare } from "./fair-share.ts";

let next = 0;
function row(tokenId: string, batchId: string | null, priority = -10): StoredPrediction {
  return { id: `p${next++}`, tokenId, batchId, priority } as StoredPrediction;
}
const who = (rows: StoredPrediction[]) => rows.map((r) => `${r.tokenId}${r.batchId ? `/${r.batchId}` : ""}`);

/** Starts `rounds` predictions one at a time, as a budget of one start per dispatch would. */
function startOneByOne(fair: FairShare, waiting: StoredPrediction[], rounds: number): StoredPrediction[] {
  const started: StoredPrediction[] = [];
  for (let i = 0; i < rounds; i++) {
    const first = fair.order(waiting)[0];
    if (!first) break;
    fair.record(first);
    started.push(first);
    waiting.splice(waiting.indexOf(first), 1);
  }
  return started;
}

describe("FairShare", () => {
  it("puts higher priority first, then takes tenants in turns", () => {
    const rows = [row("a", "b1"), row("a", "b1"), row("a", "b1"), row("b", "b2"), row("b", null, 0)];
    expect(who(new FairShare().order(rows))).toEqual(["b", "a/b1", "b/b2", "a/b1", "a/b1"]);
  });

  it("shares a tenant's turns between its batches", () => {
    const rows = [row("a", "x"), row("a", "x"), row("a", "y"), row("a", "y"), row("b", "z"), row("b", "z")];
    expect(who(new FairShare().order(rows))).toEqual(["a/x", "b/z", "a/y", "b/z", "a/x", "a/y"]);
  });

  it("lets a tenant that arrives late start level with the one already served, not behind it", () => {
    const fair = new FairShare();
    const waiting = Array.from({ length: 20 }, () => row("a", "x"));
    startOneByOne(fair, waiting, 10);
    waiting.push(...Array.from({ length: 20 }, () => row("b", "y")));
    expect(who(startOneByOne(fair, waiting, 6))).toEqual(["a/x", "b/y", "a/x", "b/y", "a/x", "b/y"]);
  });
});

describe("FairShare's stored counts", () => {
  it("carry the turns to the next FairShare made from them, as in another process", () => {
    let stored: ServedCount[] = [];
    const waiting = [
      ...Array.from({ length: 6 }, () => row("a", null)),
      ...Array.from({ length: 3 }, () => row("b", null)),
    ];
    const started: StoredPrediction[] = [];
    for (let turn = 0; turn < 6; turn++) {
      const fair = new FairShare(stored);
      started.push(...startOneByOne(fair, waiting, 1));
      const { set, removed } = fair.changes();
      const gone = new Set([...set, ...removed].map((count) => `${count.scope} ${count.key}`));
      stored = [...stored.filter((count) => !gone.has(`${count.scope} ${count.key}`)), ...set];
    }
    expect(who(started)).toEqual(["a", "b", "a", "b", "a", "b"]);
  });
});
