/** Progress of a batch on stderr: a live bar on a terminal, otherwise a line at the start, every 10% and the end. */
import { Presets, SingleBar } from "cli-progress";
import { canRedraw } from "../progress.ts";
import { type BatchCounts, finishedCount } from "./batch-json.ts";
import { formatDuration } from "./format.ts";

export interface BatchProgress {
  update(counts: BatchCounts): void;
  stop(): void;
}

export function createBatchProgress(stream: NodeJS.WriteStream = process.stderr): BatchProgress {
  if (canRedraw(stream)) return barProgress(stream);
  return plainProgress((line) => stream.write(`${line}\n`));
}

export function plainProgress(write: (line: string) => void, now = Date.now): BatchProgress {
  const describe = progressDescriber(now);
  let printedTenth = -1;
  let printedFinished = -1;
  let last: BatchCounts | undefined;
  const print = (counts: BatchCounts) => {
    printedFinished = finishedCount(counts);
    write(describe(counts));
  };
  return {
    update(counts) {
      last = counts;
      const tenth = Math.floor((finishedCount(counts) * 10) / Math.max(counts.total, 1));
      if (tenth <= printedTenth) return;
      printedTenth = tenth;
      print(counts);
    },
    stop() {
      if (last && finishedCount(last) !== printedFinished) print(last);
    },
  };
}

function barProgress(stream: NodeJS.WriteStream): BatchProgress {
  const describe = progressDescriber();
  const bar = new SingleBar({ stream, format: "{bar} {line}" }, Presets.shades_classic);
  let started = false;
  return {
    update(counts) {
      const payload = { line: describe(counts) };
      if (!started) {
        started = true;
        bar.start(counts.total, finishedCount(counts), payload);
        return;
      }
      bar.setTotal(counts.total);
      bar.update(finishedCount(counts), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * "12/100 done, 1 failed, 30.0 items/min, ETA 2m 56s". The rate counts only the items finished
 * since this run started: a resumed batch reports the earlier run's items at once.
 */
export function progressDescriber(now = Date.now): (counts: BatchCounts) => string {
  const startedAt = now();
  let finishedAtStart: number | undefined;
  return (counts) => {
    const finished = finishedCount(counts);
    finishedAtStart ??= finished;
    const parts = [`${finished}/${counts.total} done`, `${counts.failed} failed`];
    const minutes = (now() - startedAt) / 60_000;
    const perMinute = (finished - finishedAtStart) / minutes;
    if (minutes > 0 && perMinute > 0) {
      parts.push(`${perMinute.toFixed(1)} items/min`);
      const remaining = counts.total - finished;
      if (remaining > 0) parts.push(`ETA ${formatDuration((remaining / perMinute) * 60_000)}`);
    }
    return parts.join(", ");
  };
}
