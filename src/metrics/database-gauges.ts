/**
 * Gauges read from the database at each scrape, so that every process of a deployment reports the
 * same values: the queue (unfinished predictions by provider and state) and the circuit of each
 * catalog target (closed, open or half-open; shared by all processes on PostgreSQL).
 */
import type { Logger } from "pino";
import { type Gauge, Gauge as PromGauge, type Registry } from "prom-client";
import type { Catalog } from "../catalog/catalog.ts";
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
}
