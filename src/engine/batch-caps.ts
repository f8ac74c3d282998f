/** A batch's `concurrency`: candidates of a batch already running that many items wait their turn. */
import type { Store, StoredPrediction } from "../store/index.ts";

/** Caps never change, so they are remembered; the memory is dropped when it grows this large. */
const MAX_REMEMBERED = 10_000;

export class BatchCaps {
  private readonly store: Store;
  private readonly caps = new Map<string, number | null>();

  constructor(store: Store) {
    this.store = store;
  }

  /** `rows` without those that would take a batch over its cap, order kept. */
  async within(rows: readonly StoredPrediction[]): Promise<StoredPrediction[]> {
    const batchIds = [...new Set(rows.flatMap((row) => (row.batchId ? [row.batchId] : [])))];
    const capped: [string, number][] = [];
    for (const id of batchIds) {
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
