/**
 * What a provider must remember beyond one process, so that no process pays twice: the creates it
 * sent (Replicate's create journal, to adopt a create whose answer was lost), the work it started
 * (the simulator's starts and cancels). Kept in gengate's database, so every process and host of a
 * deployment reads what any other wrote; a record is stored before `append` returns.
 */

export interface JournalRecord {
  /** What happened, in the provider's own words (e.g. "intent", "created", "start", "cancel"). */
  kind: string;
  /** gengate's id of the work (a prediction's or a training's), when the record names it. */
  workId: string | null;
  /** The provider's id of the work, when the record names it. */
  upstreamId: string | null;
  /** Whatever else the provider keeps, as JSON; null for nothing. */
  body: unknown;
  /** When it happened, in ms since the epoch. */
  at: number;
}

/** Records matching every field given; a list matches any of its values. */
export interface JournalQuery {
  kind?: string | readonly string[];
  workId?: string;
  upstreamId?: string | readonly string[];
  /** Written at or after this time (ms since the epoch). */
  since?: number;
}

/** One provider's journal. */
export interface ProviderJournal {
  append(record: JournalRecord): Promise<void>;
  /** The records matching `query`, oldest first. */
  find(query: JournalQuery): Promise<JournalRecord[]>;
  /** Forgets the records of times before `before`. */
  prune(before: number): Promise<void>;
}

/** The journals of every provider, each seeing only its own records. */
export interface ProviderJournals {
  for(provider: string): ProviderJournal;
}
