/**
 * The limit flags that `gengate tokens` and `gengate tenants` share, read into the admin API's limit
 * fields. On `update`, `--no-<flag>` removes a limit; budget flags change the current budget, so
 * `--alert-at 0.9` alone keeps its amount and period.
 */
import type { Command } from "commander";
import type { LimitFields, limitsJson } from "../../api/limits-json.ts";
import type { BudgetPeriod } from "../../core/limits.ts";
import { CliError } from "../cli-error.ts";
import {
  commaList,
  dollars,
  fraction,
  futureMoment,
  httpUrl,
  ipRanges,
  period,
  wholeNumber,
} from "./flag-values.ts";

/** `false` is a `--no-<flag>` of `update`. */
export interface LimitOptions {
  models?: string[] | false;
  expires?: string | false;
  ip?: string[] | false;
  rpm?: number | false;
  inFlight?: number | false;
  budget?: number | false;
  period?: BudgetPeriod;
  alertAt?: number;
  alertUrl?: string;
  /** `false` for `--no-alert`. */
  alert?: boolean;
  budgetMetrics?: boolean;
}

type BudgetFields = NonNullable<LimitFields["budget"]>;
/** A budget as the admin API shows it. */
export type BudgetJson = NonNullable<ReturnType<typeof limitsJson>["budget"]>;

export function addLimitOptions(command: Command, { update }: { update: boolean }): Command {
  command
    .option("--models <list>", "models and aliases it may run, comma-separated (default: any)", commaList)
    .option(
      "--expires <when>",
      "when it stops working: an ISO 8601 time, or a span such as 30d",
      futureMoment,
    )
    .option("--ip <ranges>", "addresses or CIDR ranges requests must come from, comma-separated", ipRanges)
    .option("--rpm <n>", "requests a minute", wholeNumber)
    .option("--in-flight <n>", "predictions running or queued at once", wholeNumber)
    .option("--budget <usd>", "budget in US dollars a period (with --period)", dollars)
    .option("--period <period>", "the budget's period, reset at midnight UTC: day, week or month", period)
    .option(
      "--alert-at <fraction>",
      "send a signed webhook when this share of the budget is used, e.g. 0.8",
      fraction,
    )
    .option("--alert-url <url>", "where the budget alert webhook goes", httpUrl)
    .option("--budget-metrics", "report its cost and budget left on /metrics");
  if (update) {
    command
      .option("--no-models", "allow any model")
      .option("--no-expires", "never expire")
      .option("--no-ip", "allow any address")
      .option("--no-rpm", "no requests-a-minute limit")
      .option("--no-in-flight", "no limit on predictions at once")
      .option("--no-budget", "remove the budget")
      .option("--no-alert", "remove the budget's alert")
      .option("--no-budget-metrics", "stop reporting its cost on /metrics");
  }
  return command;
}

function touchesBudget(options: LimitOptions): boolean {
  return (
    options.budget !== undefined ||
    options.period !== undefined ||
    options.alertAt !== undefined ||
    options.alertUrl !== undefined ||
    options.alert === false
  );
}

/**
 * True when the flags change the budget, so an update needs the current one first; refuses flags
 * that contradict each other.
 */
export function changesBudget(options: LimitOptions): boolean {
  const removeAlert = options.alert === false;
  if (options.budget === false && touchesBudget({ ...options, budget: undefined }))
    throw new CliError(
      "--no-budget removes the budget; it cannot go with --period, --alert-at, --alert-url or --no-alert",
    );
  if (removeAlert && (options.alertAt !== undefined || options.alertUrl !== undefined))
    throw new CliError("--no-alert removes the alert; it cannot go with --alert-at or --alert-url");
  return options.budget !== false && touchesBudget(options);
}

const orNull = <T>(value: T | false | undefined): T | null | undefined => (value === false ? null : value);

/** The limit fields the flags set; `current` is the budget being changed (on update). */
export function limitFieldsFrom(options: LimitOptions, current: BudgetJson | null = null): LimitFields {
  return {
    ...defined("models", orNull(options.models)),
    ...defined("expires_at", orNull(options.expires)),
    ...defined("ip_ranges", orNull(options.ip)),
    ...defined("requests_per_minute", orNull(options.rpm)),
    ...defined("predictions_in_flight", orNull(options.inFlight)),
    ...defined("budget", budgetFrom(options, current)),
    ...defined("budget_metrics", options.budgetMetrics),
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}

function budgetFrom(options: LimitOptions, current: BudgetJson | null): BudgetFields | null | undefined {
  if (!changesBudget(options)) return options.budget === false ? null : undefined;
  const usd = options.budget === false ? undefined : (options.budget ?? current?.usd);
  const budgetPeriod = options.period ?? current?.period;
  if (usd === undefined)
    throw new CliError("--period, --alert-at and --alert-url need a budget: add --budget <usd>");
  if (budgetPeriod === undefined) throw new CliError("--budget needs --period day, week or month");
  const keepAlert = options.alert !== false;
  const alertAt = keepAlert ? (options.alertAt ?? current?.alert_at ?? undefined) : undefined;
  const alertUrl = keepAlert ? (options.alertUrl ?? current?.alert_url ?? undefined) : undefined;
  return {
    usd,
    period: budgetPeriod,
    ...(alertAt !== undefined && { alert_at: alertAt }),
    ...(alertUrl !== undefined && { alert_url: alertUrl }),
  };
}
