/**
 * Gives the memory of a burst back once the server has gone quiet. V8 keeps the heap a burst of
 * requests grew (old-generation pages, a full young generation) for as long as the server then
 * idles: 10,000 requests left a server about 40 MiB larger for good (BENCHMARKS.md, "Start time and
 * memory"). When the event loop has been nearly idle for ten seconds and the heap has grown since
 * the last such collection, gengate has V8 collect everything it can and shrink the heap: one pause
 * of some tens of milliseconds while nothing is asked of the process. The next burst runs slower
 * at first (V8 warms up again: about 0.8 ms of CPU more per prediction over the next few hundred),
 * which is why a server that pauses for seconds between rounds of work is left alone. Needs
 * `--expose-gc`, which bin/gengate.js gives `serve`; without it, this does nothing.
 */
import { performance } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";

type Collect = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => unknown;

export interface IdleCollectorOptions {
  collect?: Collect | undefined;
  /** Bytes the JavaScript heap holds from the system. */
  heapSize?: () => number;
  /** Share of the time since the last call the event loop was busy. */
  busyShare?: () => number;
  checkEveryMs?: number;
  /** Checks in a row that must find the loop quiet. */
  quietChecks?: number;
}

/** Busy below this share of a check's time counts as quiet. */
const QUIET = 0.05;
const GROWTH_BYTES = 4 * 2 ** 20;

function busyShareSinceLastCall(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const share = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    return share;
  };
}

/** Starts the checks; returns what stops them. */
export function collectWhenIdle({
  collect = (globalThis as { gc?: Collect }).gc,
  heapSize = () => getHeapStatistics().total_heap_size,
  busyShare = busyShareSinceLastCall(),
  checkEveryMs = 1_000,
  quietChecks = 10,
}: IdleCollectorOptions = {}): () => void {
  if (!collect) return () => {};
  let collectedDownTo = heapSize();
  let quietInARow = 0;
  const timer = setInterval(() => {
    quietInARow = busyShare() < QUIET ? quietInARow + 1 : 0;
    const size = heapSize();
    // The heap may shrink by itself too.
    collectedDownTo = Math.min(collectedDownTo, size);
    if (quietInARow < quietChecks || size - collectedDownTo < GROWTH_BYTES) return;
    collect({ type: "major", execution: "sync", flavor: "last-resort" });
    collectedDownTo = heapSize();
  }, checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
