/**
 * Budgets and in-flight limits, taken in the transaction that stores the work (each by one
 * conditional upsert of a counter row, so two processes cannot both take the last of a budget or
 * of a limit), given back when the work ends (a hold is settled to the real cost), and the spend
 * ledger (a row per provider run). Amounts are micro-dollars.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import { GatewayError } from "../core/errors.ts";
import { type Budget, type Limits, periodEnd, periodStart, toMicros, toUsd } from "../core/limits.ts";
import { CompiledShapes } from "./compiled-shapes.ts";
import type { DB, SpendLedgerTable } from "./schema.ts";

export interface LimitedOwner {
  scope: "token" | "tenant";
  id: string;
  name: string;
  limits: Limits;
}

export interface Admission {
  tokenId: string;
  tenantId: string | null;
  /** The token, then its tenant: every one must allow the work. */
  owners: LimitedOwner[];
  /** Each prediction admitted, with the micro-dollars its budgets hold (0 with no budget). */
  holds: { predictionId: string; amount: number }[];
}

/** A budget whose alert threshold this admission crossed (once per period). */
export interface CrossedAlert {
  owner: LimitedOwner;
  periodStart: number;
  used: number;
  limit: number;
}

export type LedgerRun = Omit<SpendLedgerTable, "tenant_id">;

export interface UsageRow {
  key: string | number | null;
  cost: number;
  runs: number;
  unpricedRuns: number;
}

const TERMINAL = ["succeeded", "failed", "canceled"] as const;
const USD = (micros: number) => `$${toUsd(micros).toFixed(2)}`;
const tenantOf = (tokenId: string | null) =>
  sql<string | null>`(select tenant_id from api_tokens where id = ${tokenId})`;

export class BudgetsRepo {
  readonly #db: Kysely<DB>;
  readonly #shapes = new CompiledShapes();

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** True when storing work for this owner needs `admit`: it has a budget or an in-flight limit. */
  needsAdmission(owner: LimitedOwner): boolean {
    return owner.limits.budget !== undefined || owner.limits.predictionsInFlight !== undefined;
  }

  /**
   * In one transaction, `write` stores the work, then each owner's in-flight count and budget
   * take it (or refuse it, undoing all), and its holds are stored. Each count is one conditional
   * upsert: the row it locks is held only until the commit that follows.
   */
  async admit<T>(
    admission: Admission,
    write: (db: Kysely<DB>) => Promise<T>,
    now = Date.now(),
  ): Promise<{ result: T; alerts: CrossedAlert[] }> {
    const periodOf = (owner: LimitedOwner | undefined) =>
      owner?.limits.budget ? periodStart(owner.limits.budget.period, now) : null;
    const countedBy = (owner: LimitedOwner | undefined) =>
      owner?.limits.predictionsInFlight === undefined ? 0 : 1;
    const token = admission.owners.find((owner) => owner.scope === "token");
    const tenant = admission.owners.find((owner) => owner.scope === "tenant");
    return this.#db.transaction().execute(async (trx) => {
      const result = await write(trx);
      for (let i = 0; i < admission.holds.length; i += 500) {
        await trx
          .insertInto("budget_holds")
          .values(
            admission.holds.slice(i, i + 500).map((hold) => ({
              prediction_id: hold.predictionId,
              token_id: admission.tokenId,
              tenant_id: admission.tenantId,
              token_period: periodOf(token),
              tenant_period: periodOf(tenant),
              token_counted: countedBy(token),
              tenant_counted: countedBy(tenant),
              amount: hold.amount,
              created_at: now,
            })),
          )
          .execute();
      }
      // The counters last: the rows they lock stay locked only until the commit.
      const total = admission.holds.reduce((sum, hold) => sum + hold.amount, 0);
      const alerts: CrossedAlert[] = [];
      for (const owner of admission.owners) {
        const { predictionsInFlight, budget } = owner.limits;
        if (predictionsInFlight !== undefined)
          await this.#countInFlight(trx, owner, predictionsInFlight, admission.holds.length);
        if (budget) {
          const alert = await this.#hold(trx, owner, budget, total, now);
          if (alert) alerts.push(alert);
        }
      }
      return { result, alerts };
    });
  }

  /** Adds `adding` to the owner's predictions in flight, or refuses past `max`. */
  async #countInFlight(
    trx: Transaction<DB>,
    owner: LimitedOwner,
    max: number,
    adding: number,
  ): Promise<void> {
    const counted =
      adding <= max &&
      (await trx
        .insertInto("in_flight")
        .values({ scope: owner.scope, owner_id: owner.id, count: adding })
        .onConflict((oc) =>
          oc
            .columns(["scope", "owner_id"])
            .doUpdateSet((eb) => ({ count: eb("in_flight.count", "+", eb.ref("excluded.count")) }))
            .where(sql<number>`in_flight.count + excluded.count`, "<=", max),
        )
        .returning("count")
        .executeTakeFirst());
    if (counted) return;
    const live = (
      await trx
        .selectFrom("in_flight")
        .select("count")
        .where((eb) => eb.and({ scope: owner.scope, owner_id: owner.id }))
        .executeTakeFirst()
    )?.count;
    throw new GatewayError(
      "rate_limited",
      `${owner.scope} ${owner.name} may have ${max} predictions in flight; ${live ?? 0} are, and this adds ${adding}`,
      {
        retryAfterMs: 1_000,
        refusedBy: { limit: "predictions_in_flight", scope: owner.scope, id: owner.id, name: owner.name },
      },
    );
  }

  /** Adds `total` to what the budget holds this period, or refuses; the alert when this crossed its threshold. */
  async #hold(
    trx: Transaction<DB>,
    owner: LimitedOwner,
    budget: Budget,
    total: number,
    now: number,
  ): Promise<CrossedAlert | undefined> {
    const start = periodStart(budget.period, now);
    const limit = toMicros(budget.usd);
    const period = { scope: owner.scope, owner_id: owner.id, period_start: start };
    const usage =
      total <= limit &&
      (await trx
        .insertInto("budget_usage")
        .values({ ...period, held: total, spent: 0, alerted_at: null })
        .onConflict((oc) =>
          oc
            .columns(["scope", "owner_id", "period_start"])
            .doUpdateSet((eb) => ({ held: eb("budget_usage.held", "+", eb.ref("excluded.held")) }))
            .where(sql<number>`budget_usage.held + budget_usage.spent + excluded.held`, "<=", limit),
        )
        .returning(["held", "spent", "alerted_at"])
        .executeTakeFirst());
    if (!usage) {
      const used = await this.usage(owner.scope, owner.id, start, trx);
      const resets = new Date(periodEnd(budget.period, now)).toISOString();
      throw new GatewayError(
        "payment_required",
        `${owner.scope} ${owner.name}'s ${budget.period} budget of ${USD(limit)} cannot hold this: ` +
          `${USD(used.held + used.spent)} is spent or held and this needs ${USD(total)}; it resets at ${resets}`,
        { refusedBy: { limit: "budget", scope: owner.scope, id: owner.id, name: owner.name } },
      );
    }
    const used = usage.held + usage.spent;
    if (budget.alertAt === undefined || usage.alerted_at !== null || used < budget.alertAt * limit)
      return undefined;
    // Whichever admission marks the period first sends its one alert.
    const marked = await trx
      .updateTable("budget_usage")
      .set({ alerted_at: now })
      .where((eb) => eb.and(period))
      .where("alerted_at", "is", null)
      .executeTakeFirst();
    return marked.numUpdatedRows === 1n ? { owner, periodStart: start, used, limit } : undefined;
  }

  /**
   * Ends a prediction's hold, if it has one, at the cost of its runs (a run with no price is
   * charged what was held), and writes its runs to the ledger; doing it again changes nothing.
   */
  async settle(predictionId: string, tokenId: string | null, runs: LedgerRun[]): Promise<void> {
    const tenantOfToken = tenantOf(tokenId);
    // Work no budget applies to: its runs go to the ledger, in one statement.
    if (runs.length === 1 && (await this.#recordUnheld(runs[0] as LedgerRun, tokenId))) return;
    if (runs.length !== 1) {
      const held = await this.#db
        .selectFrom("budget_holds")
        .select("prediction_id")
        .where("prediction_id", "=", predictionId)
        .executeTakeFirst();
      if (!held) return this.#record(this.#db, runs, tenantOfToken);
    }
    await this.#db.transaction().execute(async (trx) => {
      const hold = await trx
        .deleteFrom("budget_holds")
        .where("prediction_id", "=", predictionId)
        .returningAll()
        .executeTakeFirst();
      if (!hold) return;
      const known = runs.reduce((sum, run) => sum + (run.cost ?? 0), 0);
      const cost = known + (runs.some((run) => run.cost === null) ? hold.amount : 0);
      await this.#record(trx, runs, sql<string | null>`${hold.tenant_id}`);
      // The counters last: the rows they lock stay locked only until the commit.
      const owners = [
        {
          scope: "token" as const,
          id: hold.token_id,
          period: hold.token_period,
          counted: hold.token_counted,
        },
        {
          scope: "tenant" as const,
          id: hold.tenant_id,
          period: hold.tenant_period,
          counted: hold.tenant_counted,
        },
      ];
      for (const { scope, id, period, counted } of owners) {
        if (id === null) continue;
        if (counted)
          await trx
            .updateTable("in_flight")
            .set((eb) => ({ count: eb("count", "-", 1) }))
            .where((eb) => eb.and({ scope, owner_id: id }))
            .execute();
        if (period !== null)
          await trx
            .updateTable("budget_usage")
            .set((eb) => ({ held: eb("held", "-", hold.amount), spent: eb("spent", "+", cost) }))
            .where((eb) => eb.and({ scope, owner_id: id, period_start: period }))
            .execute();
      }
    });
  }

  /**
   * Writes `run` to the ledger unless a budget holds its prediction (nearly all work makes one
   * run); false when a hold was found, or the run was written before.
   */
  async #recordUnheld(run: LedgerRun, tokenId: string | null): Promise<boolean> {
    const columns = Object.keys(run) as (keyof LedgerRun)[];
    const parameters: unknown[] = [];
    for (const column of columns) parameters.push(run[column]);
    parameters.push(tokenId, run.prediction_id);
    const inserted = await this.#shapes.run(this.#db, `unheld ${columns}`, parameters, () =>
      this.#db
        .insertInto("spend_ledger")
        .columns([...columns, "tenant_id"])
        .expression(
          this.#db
            .selectNoFrom((eb) => [
              ...columns.map((column) => eb.val(run[column]).as(column)),
              tenantOf(tokenId).as("tenant_id"),
            ])
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom("budget_holds")
                    .select("prediction_id")
                    .where("prediction_id", "=", run.prediction_id),
                ),
              ),
            ),
        )
        .onConflict((oc) => oc.columns(["prediction_id", "run"]).doNothing())
        .returning("prediction_id"),
    );
    return inserted.length === 1;
  }

  async #record(db: Kysely<DB>, runs: LedgerRun[], tenantId: RawBuilder<string | null>): Promise<void> {
    if (runs.length === 0) return;
    await db
      .insertInto("spend_ledger")
      .values(runs.map((run) => ({ ...run, tenant_id: tenantId })))
      .onConflict((oc) => oc.columns(["prediction_id", "run"]).doNothing())
      .execute();
  }

  /** Holds whose work has ended without being settled (a process stopped in between). */
  async unsettled(limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("budget_holds")
      .innerJoin("predictions", "predictions.id", "budget_holds.prediction_id")
      .select("budget_holds.prediction_id")
      .where("predictions.state", "in", TERMINAL)
      .limit(limit)
      .execute();
    return rows.map((row) => row.prediction_id);
  }

  /** What an owner's budget period has spent and holds, in micro-dollars. */
  async usage(
    scope: LimitedOwner["scope"],
    id: string,
    start: number,
    db: Kysely<DB> = this.#db,
  ): Promise<{ held: number; spent: number }> {
    const row = await db
      .selectFrom("budget_usage")
      .select(["held", "spent"])
      .where("scope", "=", scope)
      .where("owner_id", "=", id)
      .where("period_start", "=", start)
      .executeTakeFirst();
    return { held: row?.held ?? 0, spent: row?.spent ?? 0 };
  }

  /**
   * A budget set or changed: the period's spend so far is counted from the ledger, so a budget
   * added mid-period starts from what was already spent.
   */
  async countSpendSoFar(scope: LimitedOwner["scope"], id: string, start: number): Promise<void> {
    const column = scope === "token" ? "token_id" : "tenant_id";
    const row = await this.#db
      .selectFrom("spend_ledger")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("cost"), eb.lit(0)).as("spent"))
      .where(column, "=", id)
      .where("at", ">=", start)
      .executeTakeFirstOrThrow();
    const spent = Number(row.spent);
    await this.#db
      .insertInto("budget_usage")
      .values({ scope, owner_id: id, period_start: start, held: 0, spent, alerted_at: null })
      .onConflict((oc) => oc.columns(["scope", "owner_id", "period_start"]).doUpdateSet({ spent }))
      .execute();
  }

  /** Ledger totals from `from` to `to` (epoch ms), grouped by day (its start), model, token or provider. */
  async ledger(options: {
    groupBy: "day" | "model" | "token" | "provider";
    from: number;
    to: number;
    tokenId?: string;
    tenantId?: string;
  }): Promise<UsageRow[]> {
    const key =
      options.groupBy === "day"
        ? sql<string | number | null>`(at / 86400000) * 86400000`
        : sql<string | number | null>`${sql.ref(options.groupBy === "token" ? "token_id" : options.groupBy)}`;
    let query = this.#db
      .selectFrom("spend_ledger")
      .select((eb) => [
        key.as("key"),
        eb.fn.coalesce(eb.fn.sum<number>("cost"), eb.lit(0)).as("cost"),
        eb.fn.countAll<number>().as("runs"),
        eb.fn.sum<number>(sql`case when cost is null then 1 else 0 end`).as("unpriced_runs"),
      ])
      .where("at", ">=", options.from)
      .where("at", "<", options.to)
      .groupBy(key)
      .orderBy(key);
    if (options.tokenId !== undefined) query = query.where("token_id", "=", options.tokenId);
    if (options.tenantId !== undefined) query = query.where("tenant_id", "=", options.tenantId);
    const rows = await query.execute();
    return rows.map((row) => ({
      key: row.key,
      cost: Number(row.cost),
      runs: Number(row.runs),
      unpricedRuns: Number(row.unpriced_runs ?? 0),
    }));
  }
}
