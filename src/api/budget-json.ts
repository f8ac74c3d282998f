/** Where an owner's budget stands this period: spent, held by work not ended, and what is left. */
import { type Limits, periodEnd, periodStart, toUsd } from "../core/limits.ts";
import type { Store } from "../store/index.ts";

export async function budgetStatusJson(
  store: Store,
  scope: "token" | "tenant",
  id: string,
  limits: Limits,
  now = Date.now(),
) {
  const budget = limits.budget;
  if (!budget) return null;
  const start = periodStart(budget.period, now);
  const { held, spent } = await store.budgets.usage(scope, id, start);
  return {
    period_start: new Date(start).toISOString(),
    resets_at: new Date(periodEnd(budget.period, now)).toISOString(),
    spent_usd: toUsd(spent),
    held_usd: toUsd(held),
    remaining_usd: Math.max(0, budget.usd - toUsd(spent + held)),
  };
}

/** A budget just set or changed starts from what its period has already spent (from the ledger). */
export async function countPeriodSpend(
  store: Store,
  scope: "token" | "tenant",
  id: string,
  limits: Limits,
  now = Date.now(),
): Promise<void> {
  if (limits.budget) await store.budgets.countSpendSoFar(scope, id, periodStart(limits.budget.period, now));
}
