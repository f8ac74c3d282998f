/** The admin API's answers, typed from the functions that write them. */
import type { budgetStatusJson } from "../../api/budget-json.ts";
import type { limitsJson } from "../../api/limits-json.ts";
import type { tokenJson } from "../../api/routes/admin-tokens.ts";

export type LimitsJson = ReturnType<typeof limitsJson>;
export type BudgetUsageJson = Awaited<ReturnType<typeof budgetStatusJson>>;
export type TokenJson = ReturnType<typeof tokenJson>;
export type TenantJson = LimitsJson & { id: string; name: string; created_at: string };
/** `GET /v1/admin/tokens/{id}` and `/v1/admin/tenants/{id}`. */
export type WithUsage<T> = T & { budget_usage: BudgetUsageJson };
