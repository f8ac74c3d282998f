/**
 * Starts whose answer was lost at a provider that cannot look its work up (no `find`): the work
 * may be running, and paid for, upstream, so it is never started again. The prediction waits as
 * `unconfirmed` until a webhook marked with its submit names the work, which is then adopted; if
 * none does within GENGATE_UNCONFIRMED_START_WAIT_SECONDS (or before the prediction's deadline),
 * or no webhook can come at all (no PUBLIC_URL), it fails saying the work may have run upstream.
 */
import type { Prediction } from "../core/prediction.ts";
import type { Provider } from "../providers/provider.ts";
import type { StoredPrediction } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";
import { runningPatch, startRequestOf, webhookUrlOf } from "./starts.ts";

const BATCH = 64;
const NOT_AGAIN = "It was not submitted again, to avoid paying twice.";

export class UnconfirmedStarts {
  readonly #ctx: EngineContext;
  readonly #updater: PredictionUpdater;
  readonly #onRunning: (prediction: Prediction, provider: Provider) => void;

  constructor(
    ctx: EngineContext,
    updater: PredictionUpdater,
    onRunning: (prediction: Prediction, provider: Provider) => void,
  ) {
    this.#ctx = ctx;
    this.#updater = updater;
    this.#onRunning = onRunning;
  }

  /** The row's submit to `provider` may have arrived (`reason`: how its answer was lost). */
  async park(row: StoredPrediction, provider: Provider, reason: string): Promise<void> {
    const lost = `The answer to the submit to ${provider.id} was lost (${reason})`;
    const logged = { prediction: row.id, provider: provider.id, reason };
    const unidentifiable = whyNoWebhookCanCome(this.#ctx, provider);
    if (unidentifiable) {
      this.#ctx.logger.warn(logged, "start answer lost, and no webhook can identify the work");
      const error = `${lost}, and ${unidentifiable}: it may have run (and been charged) upstream. ${NOT_AGAIN}`;
      await this.#updater.finish(row, ["submitting"], "failed", { error });
      return;
    }
    const waitMs = this.#ctx.unconfirmedStartWaitMs;
    const until = Math.min(Date.now() + waitMs, row.deadlineAt ?? Number.POSITIVE_INFINITY);
    this.#ctx.logger.warn(
      { ...logged, waitMs },
      "start answer lost; waiting for a webhook to identify the work",
    );
    await this.#updater.update(row, ["submitting"], {
      state: "unconfirmed",
      nextCheckAt: until,
      logs: `${row.logs}${lost}: the work may be running there. It is not submitted again; waiting up to ${seconds(waitMs)} for ${provider.id}'s webhook to identify it.\n`,
    });
  }

  /** Adopts `upstreamId`, which a webhook marked with the row's current submit named; the running row. */
  async adopt(row: StoredPrediction, provider: Provider, upstreamId: string): Promise<Prediction | null> {
    if (!provider.adopt) return null;
    const request = startRequestOf(this.#ctx, provider, row);
    const started = await provider.adopt(request, upstreamId, this.#ctx.providerContext(row.tokenId));
    const running = await this.#updater.update(row, ["submitting", "unconfirmed"], {
      ...runningPatch(row, started, Date.now()),
      ...(row.state === "unconfirmed" && { logs: `${row.logs}Its webhook named the work: ${upstreamId}.\n` }),
    });
    if (!running) return null;
    this.#ctx.logger.info(
      { prediction: row.id, provider: provider.id, upstreamId },
      "adopted work a webhook named",
    );
    this.#onRunning(running, provider);
    return running;
  }

  /** Cancels an unconfirmed prediction: its work, unknown, cannot be canceled upstream. */
  cancel(row: Prediction): Promise<Prediction | null> {
    const error = `canceled before any webhook identified the work at ${row.provider}: it may have run upstream`;
    return this.#updater.finish(row, ["unconfirmed"], "canceled", { error });
  }

  /** Fails the unconfirmed predictions of `provider` whose wait is over. */
  async expire(provider: Provider): Promise<void> {
    const now = Date.now();
    const due = await this.#ctx.store.predictions.due({
      states: ["unconfirmed"],
      now,
      limit: BATCH,
      provider: provider.id,
    });
    for (const row of due) {
      const late = row.deadlineAt !== null && row.deadlineAt <= now;
      const within = late
        ? "before the prediction's deadline"
        : `within ${seconds(this.#ctx.unconfirmedStartWaitMs)}`;
      const error = `The answer to the submit to ${provider.id} was lost and no webhook identified the work ${within}: it may have run (and been charged) upstream. ${NOT_AGAIN}`;
      this.#ctx.logger.warn(
        { prediction: row.id, provider: provider.id },
        "no webhook identified a lost start",
      );
      await this.#updater.finish(row, ["unconfirmed"], "failed", { error });
    }
  }
}

/** Why no webhook can name the work of a lost submit to `provider`; undefined when one can. */
function whyNoWebhookCanCome(ctx: EngineContext, provider: Provider): string | undefined {
  if (!provider.adopt || !provider.webhook) return `${provider.id} has no webhook that can identify the work`;
  if (webhookUrlOf(ctx, provider) === undefined)
    return "without a PUBLIC_URL no webhook can identify the work";
  return undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
