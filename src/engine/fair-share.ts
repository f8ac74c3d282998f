/**
 * Fair turns at one provider's budget: among due predictions of equal priority, the tenant that
 * has been served least goes next, and within a tenant the least-served group (one batch, or the
 * tenant's predictions outside batches). A tenant or group that goes idle and comes back starts
 * level with those still waiting rather than with credit for the time it was away.
 *
 * The counts are read from the database and written back (changes()) by the dispatcher under the
 * lock it claims work under, so every process takes the same turns.
 */
import type { FairShareScope, ServedCount, ServedCountChanges, StoredPrediction } from "../store/index.ts";

const tenantOf = (row: StoredPrediction) => row.tokenId ?? "";
// Ids are letters and digits: the slash keeps tenant and batch apart.
const groupOf = (row: StoredPrediction) => `${tenantOf(row)}/${row.batchId ?? ""}`;

/** Starts served per key, for the keys with work waiting. */
class ServedCounts {
  private readonly counts: Map<string, number>;

  constructor(counts: Iterable<[string, number]> = []) {
    this.counts = new Map(counts);
  }

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
    return new ServedCounts(this.counts);
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }
}

export class FairShare {
  private readonly loaded: readonly ServedCount[];
  private readonly tenants: ServedCounts;
  private readonly groups: ServedCounts;

  /** `served`: the counts as stored. */
  constructor(served: readonly ServedCount[] = []) {
    this.loaded = served;
    const of = (scope: FairShareScope) =>
      served
        .filter((count) => count.scope === scope)
        .map((count): [string, number] => [count.key, count.served]);
    this.tenants = new ServedCounts(of("tenant"));
    this.groups = new ServedCounts(of("group"));
  }

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

  /** What changed since the counts it was made from, to store. */
  changes(): ServedCountChanges {
    const now = [...counted("tenant", this.tenants), ...counted("group", this.groups)];
    const id = (count: ServedCount) => `${count.scope} ${count.key}`;
    const before = new Map(this.loaded.map((count) => [id(count), count.served]));
    const kept = new Set(now.map(id));
    return {
      set: now.filter((count) => before.get(id(count)) !== count.served),
      removed: this.loaded.filter((count) => !kept.has(id(count))),
    };
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

function counted(scope: FairShareScope, counts: ServedCounts): ServedCount[] {
  return [...counts.entries()].map(([key, served]) => ({ scope, key, served }));
}

/** The key served least; ties go to the earliest in `keys` (the oldest work). */
function leastServed(keys: readonly string[], served: ServedCounts): string {
  let best = keys[0] as string;
  for (const key of keys) if (served.get(key) < served.get(best)) best = key;
  return best;
}
