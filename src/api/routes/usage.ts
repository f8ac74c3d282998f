/**
 * `GET /v1/usage`: what runs cost, from the spend ledger, grouped by day, model or token. A token
 * sees its own spend; an admin sees everyone's, or one token's or tenant's.
 */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { toUsd } from "../../core/limits.ts";
import type { UsageRow } from "../../store/budgets-repo.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { isoTime } from "../prediction-filters.ts";
import { invalidBody } from "../request-body.ts";

const usageQuery = z.strictObject({
  group_by: z
    .enum(["day", "model", "token"], { error: "group_by must be day, model or token" })
    .default("day"),
  start: isoTime("start").optional(),
  end: isoTime("end").optional(),
  token: z.string().min(1).max(64).optional(),
  tenant: z.string().min(1).max(64).optional(),
});

/** The first of this month, midnight UTC. */
const monthStart = (now: number) => {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
};

export function usageRoutes({ store }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/usage", async (c) => {
    const parsed = usageQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalidBody(parsed.error, "query");
    const { group_by: groupBy, start, end, token: tokenFilter, tenant } = parsed.data;
    const caller = c.get("token");
    if (
      !caller.isAdmin &&
      ((tokenFilter !== undefined && tokenFilter !== caller.id) || tenant !== undefined)
    ) {
      throw new GatewayError("forbidden", "only an admin token may read another token's or a tenant's usage");
    }
    const now = Date.now();
    const from = start ?? monthStart(now);
    const to = end ?? now + 1;
    const rows = await store.budgets.ledger({
      groupBy,
      from,
      to,
      ...(caller.isAdmin ? tokenFilter !== undefined && { tokenId: tokenFilter } : { tokenId: caller.id }),
      ...(caller.isAdmin && tenant !== undefined && { tenantId: tenant }),
    });
    const keyOf = (row: UsageRow) =>
      groupBy === "day" ? new Date(Number(row.key)).toISOString().slice(0, 10) : row.key;
    return c.json({
      group_by: groupBy,
      start: new Date(from).toISOString(),
      end: new Date(to).toISOString(),
      total_usd: toUsd(rows.reduce((sum, row) => sum + row.cost, 0)),
      runs: rows.reduce((sum, row) => sum + row.runs, 0),
      unpriced_runs: rows.reduce((sum, row) => sum + row.unpricedRuns, 0),
      results: rows.map((row) => ({
        [groupBy]: keyOf(row),
        cost_usd: toUsd(row.cost),
        runs: row.runs,
        unpriced_runs: row.unpricedRuns,
      })),
    });
  });
  return app;
}
