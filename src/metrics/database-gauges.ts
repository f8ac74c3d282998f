/**
 * Gauges read from the database at each scrape, so that every process of a deployment reports the
 * same values: the queue (unfinished predictions by provider and state), the circuit of each
 * catalog target (closed, open or half-open; shared by all processes on PostgreSQL), this month's
 * spend by provider, and the budgets of the tokens and tenants that opted in (`budget_metrics`),
 * labelled by their id and name: only those, to keep the labels few.
 */
import type { Logger } from "pino";
import { type Gauge, Gauge as PromGauge, type Registry } from "prom-client";
import type { Catalog } from "../catalog/catalog.ts";
import { type Limits, periodStart, toUsd } from "../core/limits.ts";
import { UNFINISHED_STATES } from "../core/prediction.ts";
import type { Breakers, CircuitStateName } from "../engine/breakers.ts";
import type { Store } from "../store/index.ts";

const CIRCUIT_STATES: readonly CircuitStateName[] = ["closed", "open", "half-open"];

export interface DatabaseGaugeSources {
  store: Store;
  breakers: Breakers;
  catalog: Catalog;
  /** The providers configured, shown with an empty queue as zeros; their catalog targets' circuits. */
  providerIds: readonly string[];
  logger: Logger;
}

export function registerDatabaseGauges(registry: Registry, sources: DatabaseGaugeSources): void {
  const { store, breakers, catalog, providerIds, logger } = sources;
  /** A reading that fails leaves its gauge empty for this scrape; the process's own metrics still go out. */
  const read = async <T>(
    gauge: Gauge<string>,
    what: string,
    query: () => Promise<T>,
    show: (value: T) => void,
  ) => {
    try {
      const value = await query();
      gauge.reset();
      show(value);
    } catch (error) {
      gauge.reset();
      logger.warn({ err: error }, `metrics: could not read ${what}`);
    }
  };

  new PromGauge({
    name: "gengate_queue_depth",
    help: "Unfinished predictions by provider and state (queued, submitting, unconfirmed, running), from the database.",
    labelNames: ["provider", "state"],
    registers: [registry],
    async collect() {
      await read(
        this,
        "the queue",
        () => store.predictions.countUnfinished(),
        (rows) => {
          for (const provider of providerIds)
            for (const state of UNFINISHED_STATES) this.set({ provider, state }, 0);
          for (const { provider, state, count } of rows) this.set({ provider, state }, count);
        },
      );
    },
  });

  new PromGauge({
    name: "gengate_circuit_state",
    help: "The circuit of each catalog target: 1 for its current state (closed, open, half-open), else 0.",
    labelNames: ["target", "provider", "state"],
    registers: [registry],
    async collect() {
      const targets = catalog.routeTargets().filter((target) => providerIds.includes(target.provider));
      await read(
        this,
        "the circuits",
        () => Promise.all(targets.map((target) => breakers.state(target.key))),
        (states) => {
          targets.forEach(({ key, provider }, index) => {
            for (const state of CIRCUIT_STATES)
              this.set({ target: key, provider, state }, states[index] === state ? 1 : 0);
          });
        },
      );
    },
  });

  new PromGauge({
    name: "gengate_spend_usd",
    help: "What runs cost this month (UTC) by provider, in US dollars, from the spend ledger.",
    labelNames: ["provider"],
    registers: [registry],
    async collect() {
      const now = Date.now();
      await read(
        this,
        "the spend",
        () => store.budgets.ledger({ groupBy: "provider", from: periodStart("month", now), to: now + 1 }),
        (rows) => {
          for (const provider of providerIds) this.set({ provider }, 0);
          for (const row of rows) this.set({ provider: String(row.key) }, toUsd(row.cost));
        },
      );
    },
  });

  const budgetGauge = (name: string, help: string, value: (limit: number, used: number) => number) =>
    new PromGauge({
      name,
      help,
      labelNames: ["scope", "id", "name", "period"],
      registers: [registry],
      async collect() {
        await read(
          this,
          "the budgets",
          () => watchedBudgets(store),
          (budgets) => {
            for (const { scope, id, name: ownerName, limits, held, spent } of budgets) {
              const budget = limits.budget;
              if (budget)
                this.set(
                  { scope, id, name: ownerName, period: budget.period },
                  value(budget.usd, toUsd(held + spent)),
                );
            }
          },
        );
      },
    });
  budgetGauge(
    "gengate_budget_remaining_usd",
    "What is left of a budget this period (opted in with budget_metrics), in US dollars.",
    (limit, used) => Math.max(0, limit - used),
  );
  budgetGauge(
    "gengate_budget_used_usd",
    "What a budget has spent or holds this period (opted in with budget_metrics), in US dollars.",
    (_limit, used) => used,
  );
}

/** The budgets of tokens and tenants that opted in to metrics, with this period's usage. */
async function watchedBudgets(store: Store) {
  const now = Date.now();
  const owners: { scope: "token" | "tenant"; id: string; name: string; limits: Limits }[] = [
    ...(await store.tokens.list())
      .filter((token) => token.revokedAt === null)
      .map((token) => ({ scope: "token" as const, id: token.id, name: token.name, limits: token.limits })),
    ...(await store.tenants.list()).map((tenant) => ({ scope: "tenant" as const, ...tenant })),
  ].filter((owner) => owner.limits.budgetMetrics && owner.limits.budget);
  return Promise.all(
    owners.map(async (owner) => {
      const period = owner.limits.budget?.period ?? "day";
      return { ...owner, ...(await store.budgets.usage(owner.scope, owner.id, periodStart(period, now))) };
    }),
  );
}
