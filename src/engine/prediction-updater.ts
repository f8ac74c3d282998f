/** Every change of a prediction row goes through here: guarded write, then events and webhooks. */
import { isTerminal, type Prediction, type PredictionState, type WebhookEvent } from "../core/prediction.ts";
import type { PredictionPatch } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";
import type { WebhookSender } from "./webhook-sender.ts";

/** Told of every change after it is stored, e.g. to end a batch after its last item. */
export type ChangeListener = (before: Prediction, after: Prediction) => Promise<void>;

export class PredictionUpdater {
  private readonly ctx: EngineContext;
  private readonly webhooks: WebhookSender;
  private readonly onChanged: ChangeListener;

  constructor(ctx: EngineContext, webhooks: WebhookSender, onChanged: ChangeListener) {
    this.ctx = ctx;
    this.webhooks = webhooks;
    this.onChanged = onChanged;
  }

  /** Applies `patch` if the row is still in one of `from`; returns the new row, or null if it moved on. */
  async update(
    before: Prediction,
    from: readonly PredictionState[],
    patch: PredictionPatch,
  ): Promise<Prediction | null> {
    const after = await this.ctx.store.predictions.transition(before.id, from, patch);
    if (!after) return null;
    this.ctx.metrics.predictionChanged(before, after);
    this.ctx.events.publish(after.id, { type: "update", prediction: after });
    await this.webhooks.notify(after, webhookEvents(before, after));
    await this.onChanged(before, after);
    return after;
  }

  /** Ends a prediction with a terminal state, filling in times and metrics. */
  async finish(
    before: Prediction,
    from: readonly PredictionState[],
    state: Extract<PredictionState, "succeeded" | "failed" | "canceled">,
    patch: PredictionPatch = {},
  ): Promise<Prediction | null> {
    const completedAt = Date.now();
    // Only a run has a time: a queued prediction may keep the start of a run it fell back from. A
    // run that ends as it starts brings its start in the patch.
    const startedAt =
      patch.startedAt ?? (before.state === "running" ? (before.startedAt ?? completedAt) : completedAt);
    const predictTime = patch.metrics?.predict_time ?? (completedAt - startedAt) / 1000;
    const after = await this.update(before, from, {
      ...patch,
      state,
      completedAt,
      nextCheckAt: completedAt,
      metrics: {
        ...patch.metrics,
        predict_time: predictTime,
        total_time: (completedAt - before.createdAt) / 1000,
      },
    });
    if (after) await this.settleCircuit(before, state);
    return after;
  }

  /**
   * A success closes the target's circuit. A failed run already reopened it when the router moved
   * on; any other end of the probe (canceled, timed out, lost) frees the circuit for a new probe.
   */
  private async settleCircuit(before: Prediction, state: PredictionState): Promise<void> {
    const route = before.route;
    if (!route) return;
    if (state === "succeeded") await this.ctx.breakers.success(route.current.key);
    else if (route.probe) await this.ctx.breakers.release(route.current.key);
  }
}

function webhookEvents(before: Prediction, after: Prediction): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  if (after.startedAt !== null && before.startedAt === null) events.push("start");
  if (JSON.stringify(after.output) !== JSON.stringify(before.output)) events.push("output");
  if (after.logs !== before.logs) events.push("logs");
  if (isTerminal(after.state) && !isTerminal(before.state)) events.push("completed");
  return events;
}
