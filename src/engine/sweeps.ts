/**
 * Repeat-safe sweeps for what a process that died may have left undone, run now and then by one
 * process of a deployment at a time (a singleton): batches whose last item ended in a crash are
 * closed, budget holds of work that ended are settled, terminal webhooks that never got queued are sent, and provider webhooks kept for
 * predictions that ended another way are forgotten.
 */
import type { EngineParts } from "./engine-parts.ts";

/** Terminal webhooks are looked for if the prediction ended this recently... */
const MISSED_WEBHOOK_WINDOW_MS = 3_600_000;
/** ...and not more recently than this: the process ending it is queuing it right now. */
const WEBHOOK_GRACE_MS = 30_000;
const LIMIT = 1_000;

export const SWEEP_INTERVAL_MS = 30_000;

/** `graceMs`: how long ago a prediction must have ended to be swept (0 when no other process runs). */
export async function sweep(parts: EngineParts, graceMs = WEBHOOK_GRACE_MS, now = Date.now()): Promise<void> {
  const { ctx, batches, webhooks, admissions } = parts;
  await batches.recover();
  await admissions.settleEnded();
  await ctx.store.receivedWebhooks.forgetEnded();
  const unsent = await ctx.store.predictions.endedWithoutCompletedWebhook(
    now - MISSED_WEBHOOK_WINDOW_MS,
    LIMIT,
  );
  for (const prediction of unsent) {
    if ((prediction.completedAt ?? now) <= now - graceMs) await webhooks.notify(prediction, ["completed"]);
  }
}

/** Sweeps every `intervalMs` until `signal` aborts (the `lead` of a singleton). */
export async function sweepEvery(parts: EngineParts, intervalMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await sweep(parts);
    } catch (error) {
      parts.ctx.logger.error({ err: error }, "sweep failed");
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
