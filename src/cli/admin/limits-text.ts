/** Limits, budgets and money as the admin commands print them. */
import type { BudgetUsageJson, LimitsJson } from "./admin-json.ts";

/** Dollars with cents, and with up to four decimals for the fractions of a cent runs often cost. */
export function usd(amount: number): string {
  return `$${amount.toFixed(4).replace(/(\.\d\d\d*?)0+$/, "$1")}`;
}

export function budgetText(budget: LimitsJson["budget"]): string {
  if (!budget) return "none";
  const alert =
    budget.alert_at === null
      ? ""
      : `, alert at ${Math.round(budget.alert_at * 100)}%${budget.alert_url ? ` to ${budget.alert_url}` : ""}`;
  return `${usd(budget.usd)} a ${budget.period}${alert}`;
}

export function usageText(usage: BudgetUsageJson): string {
  if (!usage) return "no budget";
  return `${usd(usage.spent_usd)} spent, ${usd(usage.held_usd)} held, ${usd(usage.remaining_usd)} left (since ${usage.period_start}, resets ${usage.resets_at})`;
}

/** The limits in one short line, for a table's cell. */
export function limitsSummary(limits: LimitsJson): string {
  const parts = [
    limits.models && `models ${limits.models.join(",")}`,
    limits.requests_per_minute !== null && `${limits.requests_per_minute} rpm`,
    limits.predictions_in_flight !== null && `${limits.predictions_in_flight} in flight`,
    limits.ip_ranges && `ip ${limits.ip_ranges.join(",")}`,
    limits.expires_at && `expires ${limits.expires_at}`,
  ].filter((part) => typeof part === "string");
  return parts.length === 0 ? "-" : parts.join("; ");
}

/** Each limit on a line of its own, for `show`. */
export function limitFields(limits: LimitsJson): [string, string][] {
  return [
    ["models", limits.models?.join(", ") ?? "any"],
    ["expires", limits.expires_at ?? "never"],
    ["ip ranges", limits.ip_ranges?.join(", ") ?? "any"],
    ["requests/min", limits.requests_per_minute?.toString() ?? "no limit"],
    ["in flight", limits.predictions_in_flight?.toString() ?? "no limit"],
    ["budget", budgetText(limits.budget)],
    ["budget metrics", limits.budget_metrics ? "on" : "off"],
  ];
}
