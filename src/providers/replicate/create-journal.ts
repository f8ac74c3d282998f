/**
 * A local record of creates, so find() can recognise a create whose answer was lost (crash,
 * reset connection) among the account's recent predictions. Before each create: the prediction id,
 * the time and a hash of the input sent; after it: Replicate's id. Hourly JSON-lines files under
 * `<dataDir>/replicate/`, appended synchronously (on disk before the request leaves), kept 2 hours.
 */
import { createHash } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const HOUR_MS = 3_600_000;
const FILE = /^creates-(\d+)\.jsonl$/;

const lineSchema = z.union([
  z.object({ p: z.string(), at: z.number(), target: z.string(), key: z.string() }),
  z.object({ p: z.string(), id: z.string() }),
]);

export interface CreateIntent {
  at: number;
  /** The descriptor's providerModel. */
  target: string;
  key: string;
}

export interface JournalEntry {
  intents: CreateIntent[];
  /** Replicate's id, when a create's answer was received. */
  upstreamId: string | undefined;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, canonical(item)]));
}

/** The same input gives the same key, whatever the order of its fields. */
export function inputKey(input: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(input)))
    .digest("hex")
    .slice(0, 32);
}

interface FileIndex {
  offset: number;
  intents: Map<string, CreateIntent[]>;
  created: Map<string, string>;
  owners: Map<string, string>;
}

export class CreateJournal {
  readonly #dir: string;
  /** What was read of each live file; older files are dropped from memory and disk. */
  readonly #files = new Map<string, FileIndex>();
  /** The hour last appended to; a new hour prunes old files even if nothing is ever looked up. */
  #hour = -1;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, "replicate");
  }

  recordIntent(predictionId: string, intent: CreateIntent): void {
    this.#append({ p: predictionId, ...intent }, intent.at);
  }

  recordCreated(predictionId: string, upstreamId: string): void {
    this.#append({ p: predictionId, id: upstreamId }, Date.now());
  }

  lookup(predictionId: string): JournalEntry {
    this.#refresh();
    const files = [...this.#files.values()];
    return {
      intents: files.flatMap((file) => file.intents.get(predictionId) ?? []),
      upstreamId: files.map((file) => file.created.get(predictionId)).find((id) => id !== undefined),
    };
  }

  /** Whether a Replicate prediction is known to belong to another gengate prediction. */
  ownedByOther(upstreamId: string, predictionId: string): boolean {
    return [...this.#files.values()].some((file) => {
      const owner = file.owners.get(upstreamId);
      return owner !== undefined && owner !== predictionId;
    });
  }

  #append(line: object, at: number): void {
    const hour = Math.floor(at / HOUR_MS);
    if (hour !== this.#hour) {
      mkdirSync(this.#dir, { recursive: true });
      this.#liveFiles();
      this.#hour = hour;
    }
    appendFileSync(join(this.#dir, `creates-${hour}.jsonl`), `${JSON.stringify(line)}\n`);
  }

  #refresh(): void {
    for (const file of this.#liveFiles()) this.#read(file);
  }

  /** The files of this hour and the previous one; older ones are deleted. */
  #liveFiles(): string[] {
    const hour = Math.floor(Date.now() / HOUR_MS);
    let names: string[];
    try {
      names = readdirSync(this.#dir);
    } catch {
      return [];
    }
    const live: string[] = [];
    for (const name of names) {
      const match = FILE.exec(name);
      if (!match) continue;
      const file = join(this.#dir, name);
      if (Number(match[1]) >= hour - 1) {
        live.push(file);
        continue;
      }
      this.#files.delete(file);
      rmSync(file, { force: true });
    }
    return live;
  }

  #read(file: string): void {
    let index = this.#files.get(file);
    if (!index) {
      index = { offset: 0, intents: new Map(), created: new Map(), owners: new Map() };
      this.#files.set(file, index);
    }
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (size <= index.offset) return;
    const chunk = Buffer.alloc(size - index.offset);
    const fd = openSync(file, "r");
    try {
      readSync(fd, chunk, 0, chunk.length, index.offset);
    } finally {
      closeSync(fd);
    }
    // A line still being appended by another process is read next time.
    const complete = chunk.lastIndexOf(0x0a) + 1;
    index.offset += complete;
    for (const text of chunk.subarray(0, complete).toString("utf8").split("\n")) {
      if (text !== "") ingest(index, text);
    }
  }
}

function ingest(index: FileIndex, text: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return;
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) return;
  const line = parsed.data;
  if ("id" in line) {
    index.created.set(line.p, line.id);
    index.owners.set(line.id, line.p);
    return;
  }
  const { p, ...intent } = line;
  const intents = index.intents.get(p);
  if (intents) intents.push(intent);
  else index.intents.set(p, [intent]);
}
