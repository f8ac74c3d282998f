/**
 * The record of creates, so find() can recognise a create whose answer was lost (a crash, a reset
 * connection) among the account's recent predictions, in whichever process or host looks. Before
 * each create: the prediction id, the time, the target and a hash of the input sent; after it:
 * Replicate's id. Kept in the provider's journal in gengate's database (stored before the create
 * leaves), for 2 hours.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ProviderJournal } from "../../core/provider-journal.ts";

/** How long creates are remembered; lookups never reach further back. */
export const KEEP_MS = 2 * 3_600_000;
/** How often a process clears out what is older. */
const PRUNE_EVERY_MS = 10 * 60_000;

const INTENT = "intent";
const CREATED = "created";

const intentBody = z.object({ target: z.string(), key: z.string() });

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

export class CreateJournal {
  readonly #journal: ProviderJournal;
  #prunedAt = 0;

  constructor(journal: ProviderJournal) {
    this.#journal = journal;
  }

  async recordIntent(workId: string, intent: CreateIntent): Promise<void> {
    const { at, target, key } = intent;
    await this.#journal.append({ kind: INTENT, workId, upstreamId: null, body: { target, key }, at });
    if (at - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = at;
    await this.#journal.prune(at - KEEP_MS);
  }

  async recordCreated(workId: string, upstreamId: string): Promise<void> {
    await this.#journal.append({ kind: CREATED, workId, upstreamId, body: null, at: Date.now() });
  }

  async lookup(workId: string): Promise<JournalEntry> {
    const records = await this.#journal.find({ workId, since: Date.now() - KEEP_MS });
    const intents: CreateIntent[] = [];
    for (const record of records) {
      const body = intentBody.safeParse(record.body);
      if (record.kind === INTENT && body.success) intents.push({ at: record.at, ...body.data });
    }
    const created = records.find((record) => record.kind === CREATED && record.upstreamId !== null);
    return { intents, upstreamId: created?.upstreamId ?? undefined };
  }

  /** Which of `upstreamIds` are known to belong to gengate work other than `workId`. */
  async ownedByOthers(upstreamIds: readonly string[], workId: string): Promise<Set<string>> {
    const created = await this.#journal.find({
      kind: CREATED,
      upstreamId: upstreamIds,
      since: Date.now() - KEEP_MS,
    });
    const others = created.filter((record) => record.workId !== workId && record.upstreamId !== null);
    return new Set(others.map((record) => record.upstreamId as string));
  }
}
