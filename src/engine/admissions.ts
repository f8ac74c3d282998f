/**
 * Work is stored only if the token that asks for it, and its tenant, allow it: its models, its
 * predictions in flight and its budget, whose estimate is held in the same transaction that stores
 * the work. At the end of each prediction the hold is settled to what its runs cost, and every run
 * goes to the spend ledger. Crossing a budget's alert threshold sends one signed webhook.
 */
import { ALIAS_OWNER } from "../catalog/catalog.ts";
import { GatewayError } from "../core/errors.ts";
import { type Limits, toMicros, toUsd } from "../core/limits.ts";
import { isTerminal, type Prediction } from "../core/prediction.ts";
import type { Admission, CrossedAlert, LedgerRun, LimitedOwner } from "../store/budgets-repo.ts";
import type { ApiToken, StoreWriter } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";
import type { WebhookSender } from "./webhook-sender.ts";

const SWEEP_LIMIT = 500;

/** Whose work is stored: the token as authenticated (read again when only its id is known). */
export type WorkOwner = ApiToken | string | null | undefined;

export class Admissions {
  private readonly ctx: EngineContext;
  private readonly webhooks: WebhookSender;

  constructor(ctx: EngineContext, webhooks: WebhookSender) {
    this.ctx = ctx;
    this.webhooks = webhooks;
  }

  /** Runs `write` (which stores `predictions`) once every limit allows them, holding their estimate. */
  async store<T>(
    owner: WorkOwner,
    predictions: readonly Prediction[],
    write: (db: StoreWriter) => Promise<T>,
  ): Promise<T> {
    const token = typeof owner === "string" ? await this.ctx.store.tokens.get(owner) : (owner ?? null);
    if (!token) return write(this.ctx.store.writer);
    const owners = ownersOf(token);
    for (const limited of owners) checkModels(limited, predictions);
    const budgets = this.ctx.store.budgets;
    if (!owners.some((owner) => budgets.needsAdmission(owner))) return write(this.ctx.store.writer);
    const admission: Admission = {
      tokenId: token.id,
      tenantId: token.tenant?.id ?? null,
      owners,
      holds: owners.some((owner) => owner.limits.budget)
        ? this.estimates(predictions)
        : predictions.map((prediction) => ({ predictionId: prediction.id, amount: 0 })),
    };
    const { result, alerts } = await budgets.admit(admission, write);
    for (const alert of alerts) await this.alert(token, alert);
    return result;
  }

  /** Settles an ended prediction's hold and writes its runs to the ledger. */
  async settle(prediction: Prediction): Promise<void> {
    if (!isTerminal(prediction.state)) return;
    const at = prediction.completedAt ?? Date.now();
    const runs = this.ctx.catalog.pricing.runs(prediction);
    // The last run never reached the provider: it cost nothing and is no run to record.
    const ran = prediction.startedAt === null && prediction.state !== "succeeded" ? runs.slice(0, -1) : runs;
    const ledger: LedgerRun[] = ran.map((run, index) => ({
      prediction_id: prediction.id,
      run: index,
      kind: prediction.destination ? "training" : "prediction",
      provider: run.provider,
      provider_model: run.providerModel,
      model: prediction.model,
      token_id: prediction.tokenId,
      cost: run.usd === undefined ? null : toMicros(run.usd),
      predict_time: run.predictTime,
      at,
    }));
    await this.ctx.store.budgets.settle(prediction.id, prediction.tokenId, ledger);
  }

  /** Holds of work that ended while no process could settle them (a crash between the two). */
  async settleEnded(): Promise<number> {
    const ids = await this.ctx.store.budgets.unsettled(SWEEP_LIMIT);
    for (const id of ids) {
      const prediction = await this.ctx.store.predictions.get(id);
      if (prediction) await this.settle(prediction);
    }
    return ids.length;
  }

  private estimates(predictions: readonly Prediction[]): Admission["holds"] {
    return predictions.map((prediction) => {
      const usd = this.ctx.catalog.pricing.estimate(prediction);
      if (usd === undefined) {
        throw new GatewayError(
          "payment_required",
          `a budget applies and ${prediction.provider} model ${prediction.providerModel} has no known price to hold; ` +
            `set one in the configuration's pricing section (perRun, perOutput, or perSecond with estimatedSeconds)`,
        );
      }
      return { predictionId: prediction.id, amount: toMicros(usd) };
    });
  }

  private async alert(token: ApiToken, alert: CrossedAlert): Promise<void> {
    const budget = alert.owner.limits.budget;
    if (!budget?.alertUrl) return;
    const payload = {
      type: "budget.alert",
      scope: alert.owner.scope,
      id: alert.owner.id,
      name: alert.owner.name,
      period: budget.period,
      period_start: new Date(alert.periodStart).toISOString(),
      budget_usd: budget.usd,
      alert_at: budget.alertAt,
      used_usd: toUsd(alert.used),
    };
    await this.webhooks.enqueue(
      { id: alert.owner.id, tokenId: token.id },
      "completed",
      budget.alertUrl,
      payload,
    );
  }
}

/** The token, then its tenant, each with the limits it sets. */
export function ownersOf(token: ApiToken): LimitedOwner[] {
  const owners: LimitedOwner[] = [{ scope: "token", id: token.id, name: token.name, limits: token.limits }];
  if (token.tenant)
    owners.push({
      scope: "tenant",
      id: token.tenant.id,
      name: token.tenant.name,
      limits: token.tenant.limits,
    });
  return owners;
}

/** `owner/name`, `owner/*` and alias names (`flux-dev` for `gengate/flux-dev`) allow a model. */
export function modelAllowed(
  allowed: readonly string[],
  prediction: Pick<Prediction, "model" | "providerModel">,
): boolean {
  const names = [prediction.model, prediction.providerModel];
  const alias = prediction.model.startsWith(`${ALIAS_OWNER}/`)
    ? prediction.model.slice(ALIAS_OWNER.length + 1)
    : undefined;
  return allowed.some(
    (entry) =>
      names.includes(entry) ||
      entry === alias ||
      (entry.endsWith("/*") && names.some((name) => name.startsWith(entry.slice(0, -1)))),
  );
}

function checkModels(owner: LimitedOwner, predictions: readonly Prediction[]): void {
  const allowed: Limits["models"] = owner.limits.models;
  if (allowed === undefined) return;
  const refused = predictions.find((prediction) => !modelAllowed(allowed, prediction));
  if (!refused) return;
  throw new GatewayError("forbidden", `${owner.scope} ${owner.name} may not run ${refused.model}`, {
    refusedBy: { limit: "models", scope: owner.scope, id: owner.id, name: owner.name },
  });
}
