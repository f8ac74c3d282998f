/** `Prefer: wait`: hold a create request until the prediction is done or its output is complete. */
import type { PredictionEvents } from "./prediction-events.ts";
import { isTerminal, type PredictionRecord } from "./prediction-store.ts";
import type { Scheduler } from "./scheduler.ts";

/** Resolves true when done within `ms`, false on timeout (or when the fake closes). */
export function waitUntilDone(
  record: PredictionRecord,
  ms: number,
  events: PredictionEvents,
  scheduler: Scheduler,
): Promise<boolean> {
  const done = () => isTerminal(record.status) || record.outputComplete;
  if (done()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = () => {
      unsubscribe();
      cancelTimer();
      unregister();
      resolve(done());
    };
    const unsubscribe = events.on(record.id, () => {
      if (done()) settle();
    });
    const cancelTimer = scheduler.after(ms, settle);
    const unregister = scheduler.onClose(settle);
  });
}
