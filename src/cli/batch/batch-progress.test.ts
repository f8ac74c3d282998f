import { describe, expect, it } from "vitest";
import type { BatchCounts } from "./batch-json.ts";
import { plainProgress, progressDescriber } from "./batch-progress.ts";

function counts(total: number, succeeded: number, failed = 0): BatchCounts {
  const queued = total - succeeded - failed;
  return { total, queued, starting: 0, processing: 0, succeeded, failed, canceled: 0 };
}

/** A clock that moves only when told. */
function clock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

describe("plainProgress", () => {
  it("writes a line at the start, at every 10% and at the end, and never twice for one step", () => {
    const time = clock();
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line), time.now);
    progress.update(counts(40, 0));
    for (let done = 1; done <= 40; done++) {
      time.advance(1_500);
      progress.update(counts(40, done - Math.floor(done / 10), Math.floor(done / 10)));
    }
    progress.stop();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe("0/40 done, 0 failed");
    expect(lines[1]).toBe("4/40 done, 0 failed, 40.0 items/min, ETA 54.0s");
    expect(lines[10]).toBe("40/40 done, 4 failed, 40.0 items/min");
  });

  it("prints one line for a jump over several steps, and the end once", () => {
    const time = clock();
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line), time.now);
    progress.update(counts(10, 0));
    time.advance(60_000);
    progress.update(counts(10, 5));
    progress.update(counts(10, 5));
    time.advance(60_000);
    progress.update(counts(10, 9));
    progress.stop();
    expect(lines).toEqual([
      "0/10 done, 0 failed",
      "5/10 done, 0 failed, 5.0 items/min, ETA 1m 00s",
      "9/10 done, 0 failed, 4.5 items/min, ETA 13.3s",
    ]);
  });

  it("writes the last counts at the end when no step printed them", () => {
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line), clock().now);
    progress.update(counts(100, 0));
    progress.update(counts(100, 3));
    progress.stop();
    expect(lines.at(-1)).toMatch(/^3\/100 done/);
  });
});

describe("progressDescriber", () => {
  it("rates only the items finished since this run began, as a resumed batch starts part done", () => {
    const time = clock();
    const describe = progressDescriber(time.now);
    expect(describe(counts(100, 60))).toBe("60/100 done, 0 failed");
    time.advance(120_000);
    expect(describe(counts(100, 70))).toBe("70/100 done, 0 failed, 5.0 items/min, ETA 6m 00s");
  });
});
