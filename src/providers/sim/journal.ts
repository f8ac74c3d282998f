/**
 * The simulated upstream's memory: `<dataDir>/sim/starts.jsonl`, one JSON line per start (of a
 * prediction or a training) or cancel. Appends are synchronous so a start is on disk before start() returns; reads pick up
 * lines other processes appended since the last read.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { StartResult } from "../provider.ts";

const journalLine = z.union([
  z.object({ predictionId: z.string(), upstreamId: z.string(), operation: z.unknown() }),
  z.object({ canceled: z.string() }),
]);

interface Logger {
  warn(obj: object, msg?: string): void;
}

export class SimJournal {
  readonly #dir: string;
  readonly #file: string;
  readonly #logger: Logger | undefined;
  readonly #starts = new Map<string, StartResult[]>();
  readonly #canceled = new Set<string>();
  /** Starts of trainings (operations of kind "training"), in the order recorded. */
  readonly #trainings: StartResult[] = [];
  #offset = 0;

  constructor(dataDir: string, logger?: Logger) {
    this.#dir = join(dataDir, "sim");
    this.#file = join(this.#dir, "starts.jsonl");
    this.#logger = logger;
  }

  recordStart(predictionId: string, start: StartResult): void {
    this.#append({ predictionId, upstreamId: start.upstreamId, operation: start.operation });
  }

  recordCancel(upstreamId: string): void {
    this.#append({ canceled: upstreamId });
  }

  /** The first start recorded for the prediction. */
  findStart(predictionId: string): StartResult | null {
    this.#refresh();
    return this.#starts.get(predictionId)?.[0] ?? null;
  }

  /** Every training started, oldest first: the sim's record of trained versions. */
  trainingStarts(): readonly StartResult[] {
    this.#refresh();
    return this.#trainings;
  }

  isCanceled(upstreamId: string): boolean {
    this.#refresh();
    return this.#canceled.has(upstreamId);
  }

  startCounts(): Map<string, number> {
    this.#refresh();
    return new Map([...this.#starts].map(([predictionId, starts]) => [predictionId, starts.length]));
  }

  #append(line: object): void {
    mkdirSync(this.#dir, { recursive: true });
    appendFileSync(this.#file, `${JSON.stringify(line)}\n`);
  }

  #refresh(): void {
    const size = fileSize(this.#file);
    if (size <= this.#offset) return;
    const chunk = Buffer.alloc(size - this.#offset);
    const fd = openSync(this.#file, "r");
    try {
      readSync(fd, chunk, 0, chunk.length, this.#offset);
    } finally {
      closeSync(fd);
    }
    // A line still being appended by another process is read next time.
    const complete = chunk.lastIndexOf(0x0a) + 1;
    this.#offset += complete;
    for (const text of chunk.subarray(0, complete).toString("utf8").split("\n")) {
      if (text !== "") this.#ingest(text);
    }
  }

  #ingest(text: string): void {
    const parsed = journalLine.safeParse(parseJson(text));
    if (!parsed.success) {
      this.#logger?.warn(
        { file: this.#file, line: text.slice(0, 200) },
        "sim journal: skipping a malformed line",
      );
      return;
    }
    const line = parsed.data;
    if ("canceled" in line) {
      this.#canceled.add(line.canceled);
      return;
    }
    const start = { upstreamId: line.upstreamId, operation: line.operation };
    if ((line.operation as { kind?: unknown } | null)?.kind === "training") this.#trainings.push(start);
    const starts = this.#starts.get(line.predictionId);
    if (starts) starts.push(start);
    else this.#starts.set(line.predictionId, [start]);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

/** How many times start() ran for each prediction id, across all processes using `dataDir`. */
export async function readSimStarts(dataDir: string): Promise<Map<string, number>> {
  return new SimJournal(dataDir).startCounts();
}
