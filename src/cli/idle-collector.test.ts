import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectWhenIdle } from "./idle-collector.ts";

const MiB = 2 ** 20;

describe("collectWhenIdle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A heap of `heap.size` bytes, which a collection brings down to `heap.afterCollection`. */
  function server(busy: number[]) {
    const heap = { size: 40 * MiB, afterCollection: 30 * MiB };
    const collections: unknown[] = [];
    const stop = collectWhenIdle({
      collect: (options) => {
        collections.push(options);
        heap.size = heap.afterCollection;
      },
      heapSize: () => heap.size,
      busyShare: () => busy.shift() ?? 0,
      checkEveryMs: 1_000,
      quietChecks: 2,
    });
    return { heap, collections, stop };
  }

  it("collects once the loop has been quiet for the checks asked after the heap grew, then not until it grows again", () => {
    const { heap, collections, stop } = server([0.9, 0.01, 0.8, 0.01, 0.01, 0.01, 0.01]);
    heap.size = 90 * MiB;
    vi.advanceTimersByTime(4_000);
    expect(collections).toEqual([]); // busy, quiet once, busy again, quiet once
    vi.advanceTimersByTime(1_000);
    expect(collections).toEqual([{ type: "major", execution: "sync", flavor: "last-resort" }]);
    vi.advanceTimersByTime(2_000);
    expect(collections).toHaveLength(1); // quiet, but nothing grew since

    heap.size = 36 * MiB;
    vi.advanceTimersByTime(1_000);
    expect(collections).toHaveLength(2);
    stop();
  });

  it("leaves a heap that grew less than a few MiB, and stops when told", () => {
    const { heap, collections, stop } = server([]);
    heap.size = 42 * MiB;
    vi.advanceTimersByTime(5_000);
    expect(collections).toEqual([]);
    stop();
    heap.size = 200 * MiB;
    vi.advanceTimersByTime(5_000);
    expect(collections).toEqual([]);
  });

  it("does nothing when V8's gc is not exposed", () => {
    const heapSize = vi.fn(() => 0);
    collectWhenIdle({ collect: undefined, heapSize })();
    vi.advanceTimersByTime(5_000);
    expect(heapSize).not.toHaveBeenCalled();
  });
});
