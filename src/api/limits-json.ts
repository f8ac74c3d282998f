/** Limits as the admin API reads and shows them (snake_case; amounts in US dollars; times in ISO 8601). */
import { z } from "zod";
import { isIpRange } from "../core/ip-ranges.ts";
import { BUDGET_PERIODS, type Limits } from "../core/limits.ts";

const cidr = z
  .string()
  .refine(isIpRange, "each of ip_ranges must be an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8");

const positiveInt = (field: string) =>
  z
    .int({ error: `${field} must be a whole number` })
    .min(1, `${field} must be at least 1`)
    .max(1_000_000_000);

export const budgetSchema = z.strictObject({
  usd: z
    .number({ error: "budget.usd must be a number of US dollars" })
    .min(0, "budget.usd must be 0 or more"),
  period: z.enum(BUDGET_PERIODS, { error: `budget.period must be one of ${BUDGET_PERIODS.join(", ")}` }),
  alert_at: z
    .number({ error: "budget.alert_at must be a fraction of the budget" })
    .gt(0, "budget.alert_at must be more than 0")
    .max(1, "budget.alert_at must be at most 1")
    .optional(),
  alert_url: z.url({ error: "budget.alert_url must be an http(s) URL", protocol: /^https?$/ }).optional(),
});

/** The limit fields of a token or a tenant; each may be null in an update, to remove it. */
export const limitFields = {
  models: z
    .array(z.string().min(1).max(200), { error: "models must be a list of model names or aliases" })
    .max(1_000)
    .nullable()
    .optional(),
  expires_at: z.iso
    .datetime({
      offset: true,
      error: "expires_at must be an ISO 8601 date and time, e.g. 2027-01-31T12:00:00Z",
    })
    .nullable()
    .optional(),
  ip_ranges: z
    .array(cidr, { error: "ip_ranges must be a list of CIDR ranges" })
    .max(1_000)
    .nullable()
    .optional(),
  requests_per_minute: positiveInt("requests_per_minute").nullable().optional(),
  predictions_in_flight: positiveInt("predictions_in_flight").nullable().optional(),
  budget: budgetSchema.nullable().optional(),
  budget_metrics: z.boolean({ error: "budget_metrics must be true or false" }).optional(),
};

export type LimitFields = z.infer<z.ZodObject<typeof limitFields>>;

/** `base` with the fields set in `fields` (null removes one). */
export function applyLimitFields(base: Limits, fields: LimitFields): Limits {
  const limits: Limits = { ...base };
  const set = <K extends keyof Limits>(key: K, value: Limits[K] | null | undefined) => {
    if (value === undefined) return;
    if (value === null) delete limits[key];
    else limits[key] = value;
  };
  set("models", fields.models);
  const { expires_at: expiresAt, budget } = fields;
  set("expiresAt", typeof expiresAt === "string" ? Date.parse(expiresAt) : expiresAt);
  set("ipRanges", fields.ip_ranges);
  set("requestsPerMinute", fields.requests_per_minute);
  set("predictionsInFlight", fields.predictions_in_flight);
  set("budget", budget ? budgetOf(budget) : budget);
  set("budgetMetrics", fields.budget_metrics);
  return limits;
}

function budgetOf(budget: z.infer<typeof budgetSchema>): NonNullable<Limits["budget"]> {
  return {
    usd: budget.usd,
    period: budget.period,
    ...(budget.alert_at !== undefined && { alertAt: budget.alert_at }),
    ...(budget.alert_url !== undefined && { alertUrl: budget.alert_url }),
  };
}

export function limitsJson(limits: Limits) {
  const { budget } = limits;
  return {
    models: limits.models ?? null,
    expires_at: limits.expiresAt === undefined ? null : new Date(limits.expiresAt).toISOString(),
    ip_ranges: limits.ipRanges ?? null,
    requests_per_minute: limits.requestsPerMinute ?? null,
    predictions_in_flight: limits.predictionsInFlight ?? null,
    budget: budget
      ? {
          usd: budget.usd,
          period: budget.period,
          alert_at: budget.alertAt ?? null,
          alert_url: budget.alertUrl ?? null,
        }
      : null,
    budget_metrics: limits.budgetMetrics === true,
  };
}
