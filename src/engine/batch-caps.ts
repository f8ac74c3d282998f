/**
 * A batch's `concurrency`: candidates of a batch already running that many items wait their turn.
 * Its items may run at several providers, so the dispatcher counts and claims them under a lock
 * all providers' claims share (dispatcher.ts).
 */
import type { Store, StoredPrediction } from "../store/index.ts";

/** Caps never change, so they are remembered; the memory is dropped when it grows this large. */
const MAX_REMEMBERED = 10_000;

export class BatchCaps {
  private readonly store: Store;
  private readonly caps = new Map<string, number | null>();

  constructor(store: Store) {
    this.store = store;
  }

  /** Whether any of `rows` belongs to a batch with a cap. */
  async anyCapped(rows: readonly StoredPrediction[]): Promise<boolean> {
    for (const id of batchIdsOf(rows)) if ((await this.capOf(id)) !== null) return true;
    return false;
  }

  /** `rows` without those that would take a batch over its cap, order kept. */
  async within(rows: readonly StoredPrediction[]): Promise<StoredPrediction[]> {
    const capped: [string, number][] = [];
    for (const id of batchIdsOf(rows)) {
      const cap = await this.capOf(id);
      if (cap !== null) capped.push([id, cap]);
    }
    if (capped.length === 0) return [...rows];
    const active = await this.store.predictions.countActiveByBatch(capped.map(([id]) => id));
    const room = new Map(capped.map(([id, cap]) => [id, cap - (active.get(id) ?? 0)]));
    return rows.filter((row) => {
      const left = row.batchId ? room.get(row.batchId) : undefined;
      if (left === undefined) return true;
      room.set(row.batchId as string, left - 1);
      return left > 0;
    });
  }

  private async capOf(batchId: string): Promise<number | null> {
    const known = this.caps.get(batchId);
    if (known !== undefined) return known;
    if (this.caps.size >= MAX_REMEMBERED) this.caps.clear();
    const cap = (await this.store.batches.get(batchId))?.concurrency ?? null;
    this.caps.set(batchId, cap);
    return cap;
  }
}

function batchIdsOf(rows: readonly StoredPrediction[]): string[] {
  return [...new Set(rows.flatMap((row) => (row.batchId ? [row.batchId] : [])))];
}
