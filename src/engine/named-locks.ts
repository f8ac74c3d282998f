/** Locks by name around steps that must not run in two processes at once (counting and claiming work). */
export interface NamedLocks {
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** One process: its loops run one tick at a time, so there is nobody to exclude. */
export class LocalLocks implements NamedLocks {
  withLock<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
}
