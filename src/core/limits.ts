/**
 * What a token may do and spend: its scopes, and the limits a token or its tenant sets (a request
 * must pass every enclosing one). Budgets reset at midnight UTC: each day, each Monday, or on the
 * first of each month.
 */
export const SCOPES = [
  "predictions:write",
  "predictions:read",
  "files:write",
  "trainings:write",
  "batches:write",
  "models:read",
  "admin",
] as const;
export type Scope = (typeof SCOPES)[number];

/** What a token gets when its creator names no scopes: everything but administration. */
export const DEFAULT_SCOPES: readonly Scope[] = SCOPES.filter((scope) => scope !== "admin");

export const BUDGET_PERIODS = ["day", "week", "month"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export interface Budget {
  usd: number;
  period: BudgetPeriod;
  /** A fraction of `usd`: crossing it sends one signed `budget.alert` webhook per period. */
  alertAt?: number;
  alertUrl?: string;
}

export interface Limits {
  /** Model references (`owner/name`) and aliases it may run; absent: any. */
  models?: string[];
  /** Epoch ms after which it is refused. */
  expiresAt?: number;
  /** CIDR ranges requests must come from; absent: any address. */
  ipRanges?: string[];
  requestsPerMinute?: number;
  predictionsInFlight?: number;
  budget?: Budget;
  /** Report this budget's cost and remaining amount as metrics labelled with the owner's id. */
  budgetMetrics?: boolean;
}

/** Which kind of owner a limit belongs to, as refusals and the ledger name it. */
export type LimitOwner = { kind: "token" | "tenant"; id: string; name: string };

export const MICROS_PER_USD = 1_000_000;

export const toMicros = (usd: number) => Math.round(usd * MICROS_PER_USD);
export const toUsd = (micros: number) => micros / MICROS_PER_USD;

/** The start of the budget period holding `at` (epoch ms, UTC). */
export function periodStart(period: BudgetPeriod, at: number): number {
  const date = new Date(at);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === "day") return day;
  if (period === "month") return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  return day - daysSinceMonday * 86_400_000;
}

/** The start of the next period after the one holding `at`. */
export function periodEnd(period: BudgetPeriod, at: number): number {
  const start = new Date(periodStart(period, at));
  if (period === "day") return start.getTime() + 86_400_000;
  if (period === "week") return start.getTime() + 7 * 86_400_000;
  return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
}
