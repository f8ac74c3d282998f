/**
 * Wake-ups of the worker loops, sent by whatever part made work for them (a submit, an ended
 * prediction, a webhook to deliver), in this process or, in queue mode, in any process.
 */
import { EventEmitter } from "node:events";
import type { Unsubscribe } from "./events.ts";

export const WORK_KINDS = ["dispatch", "reconcile", "webhooks", "loras"] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export interface WorkSignals {
  wake(kind: WorkKind): void;
  onWake(kind: WorkKind, listener: () => void): Unsubscribe;
}

/** The embedded version: wake-ups reach this process's loops only. */
export class LocalWorkSignals implements WorkSignals {
  private readonly emitter = new EventEmitter();

  wake(kind: WorkKind): void {
    this.emitter.emit(kind);
  }

  onWake(kind: WorkKind, listener: () => void): Unsubscribe {
    this.emitter.on(kind, listener);
    return () => this.emitter.off(kind, listener);
  }
}
