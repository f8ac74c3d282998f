/**
 * Fair turns at one provider's budget: among due predictions of equal priority, the tenant that
 * has been served least goes next, and within a tenant the least-served group (one batch, or the
 * tenant's predictions outside batches). A tenant or group that goes idle and comes back starts
 * level with those still waiting rather than with credit for the time it was away.
 */
import type { StoredPrediction } from "../store/index.ts";

const tenantOf = (row: StoredPrediction) => row.tokenId ?? "";
const groupOf = (row: StoredPrediction) => `${tenantOf(row)}\u0000${row.batchId ?? ""}`;

/** Starts served per key, for the keys with work waiting. */
class ServedCounts {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }

  /** Forgets keys with nothing waiting; a key that starts waiting joins at the lowest count. */
  track(waiting: ReadonlySet<string>): void {
    for (const key of this.counts.keys()) if (!waiting.has(key)) this.counts.delete(key);
    const lowest = Math.min(...this.counts.values());
    const floor = Number.isFinite(lowest) ? lowest : 0;
    for (const key of waiting) if (!this.counts.has(key)) this.counts.set(key, floor);
  }

  copy(): ServedCounts {
    const copy = new ServedCounts();
    for (const [key, count] of this.counts) copy.counts.set(key, count);
    return copy;
  }
}

export class FairShare {
  private readonly tenants = new ServedCounts();
  private readonly groups = new ServedCounts();

  /** `rows` in the order to start them; each group's own order (most urgent first) is kept. */
  order(rows: readonly StoredPrediction[]): StoredPrediction[] {
    this.tenants.track(new Set(rows.map(tenantOf)));
    this.groups.track(new Set(rows.map(groupOf)));
    const byPriority = new Map<number, StoredPrediction[]>();
    for (const row of rows) {
      const level = byPriority.get(row.priority) ?? [];
      level.push(row);
      byPriority.set(row.priority, level);
    }
    const priorities = [...byPriority.keys()].sort((a, b) => b - a);
    return priorities.flatMap((priority) => this.interleave(byPriority.get(priority) ?? []));
  }

  /** Counts a start against its tenant and group. */
  record(row: StoredPrediction): void {
    this.tenants.add(tenantOf(row));
    this.groups.add(groupOf(row));
  }

  private interleave(rows: readonly StoredPrediction[]): StoredPrediction[] {
    const queues = new Map<string, Map<string, StoredPrediction[]>>();
    for (const row of rows) {
      const groups = queues.get(tenantOf(row)) ?? new Map<string, StoredPrediction[]>();
      queues.set(tenantOf(row), groups);
      const queue = groups.get(groupOf(row)) ?? [];
      queue.push(row);
      groups.set(groupOf(row), queue);
    }
    const tenants = this.tenants.copy();
    const groupCounts = this.groups.copy();
    const ordered: StoredPrediction[] = [];
    while (queues.size > 0) {
      const tenant = leastServed([...queues.keys()], tenants);
      const groups = queues.get(tenant) as Map<string, StoredPrediction[]>;
      const group = leastServed([...groups.keys()], groupCounts);
      const queue = groups.get(group) as StoredPrediction[];
      ordered.push(queue.shift() as StoredPrediction);
      tenants.add(tenant);
      groupCounts.add(group);
      if (queue.length === 0) groups.delete(group);
      if (groups.size === 0) queues.delete(tenant);
    }
    return ordered;
  }
}

/** The key served least; ties go to the earliest in `keys` (the oldest work). */
function leastServed(keys: readonly string[], served: ServedCounts): string {
  let best = keys[0] as string;
  for (const key of keys) if (served.get(key) < served.get(best)) best = key;
  return best;
}
