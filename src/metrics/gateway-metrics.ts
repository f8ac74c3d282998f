/**
 * gengate's Prometheus metrics (prom-client), one registry per process: counters and histograms of
 * what this process did (Prometheus adds them up over processes), gauges read from the database at
 * each scrape (the same from every process), HTTP durations by route pattern (@hono/prometheus)
 * and Node's process metrics. Labels come from bounded sets only: never an id, an input or a token.
 */
import { prometheus } from "@hono/prometheus";
import type { MiddlewareHandler } from "hono";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Role } from "../config.ts";
import { isTerminal, type Prediction } from "../core/prediction.ts";
import type { EngineMetrics, UpstreamOutcome, WebhookResult } from "../engine/engine-metrics.ts";
import { type DatabaseGaugeSources, registerDatabaseGauges } from "./database-gauges.ts";
import type { ModelLabels } from "./model-labels.ts";

/** From a local tool's fraction of a second to a training's hour. */
const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

type PredictionLabels = "model" | "provider";

export interface GatewayMetricsDeps extends DatabaseGaugeSources {
  role: Role;
  models: ModelLabels;
}

export class GatewayMetrics implements EngineMetrics {
  readonly #registry = new Registry();
  readonly #models: ModelLabels;
  readonly #ended: Counter<PredictionLabels | "status">;
  readonly #queued: Histogram<PredictionLabels>;
  readonly #running: Histogram<PredictionLabels>;
  readonly #total: Histogram<PredictionLabels>;
  readonly #fallbacks: Counter<"alias">;
  readonly #upstream: Counter<"provider" | "operation" | "outcome">;
  readonly #webhooks: Counter<"result">;
  /** Times each HTTP request and counts it, by method, status and route pattern. */
  readonly http: MiddlewareHandler;

  constructor(deps: GatewayMetricsDeps) {
    const registers = [this.#registry];
    this.#models = deps.models;
    collectDefaultMetrics({ register: this.#registry });
    this.http = prometheus({ registry: this.#registry }).registerMetrics;
    registerDatabaseGauges(this.#registry, deps);
    new Gauge({
      name: "gengate_role",
      help: "The role of this process.",
      labelNames: ["role"],
      registers,
    }).set({ role: deps.role }, 1);
    const histogram = (name: string, help: string) =>
      new Histogram({ name, help, labelNames: ["model", "provider"], buckets: SECONDS_BUCKETS, registers });
    this.#ended = new Counter({
      name: "gengate_predictions_total",
      help: "Predictions this process ended, by model, provider and final status.",
      labelNames: ["model", "provider", "status"],
      registers,
    });
    this.#queued = histogram(
      "gengate_prediction_queued_seconds",
      "From a prediction's creation to the start of a run of it at its provider.",
    );
    this.#running = histogram(
      "gengate_prediction_running_seconds",
      "From the start of a prediction's last run at its provider to its end.",
    );
    this.#total = histogram(
      "gengate_prediction_duration_seconds",
      "From a prediction's creation to its end.",
    );
    this.#fallbacks = new Counter({
      name: "gengate_fallbacks_total",
      help: "Predictions of a catalog alias moved to another target after one failed, by alias.",
      labelNames: ["alias"],
      registers,
    });
    this.#upstream = new Counter({
      name: "gengate_upstream_requests_total",
      help: 'Calls to providers by provider, operation and outcome ("ok", or the error: rate_limited for a 429).',
      labelNames: ["provider", "operation", "outcome"],
      registers,
    });
    this.#webhooks = new Counter({
      name: "gengate_webhook_deliveries_total",
      help: "Attempts to deliver a webhook, by result (delivered, retrying, failed).",
      labelNames: ["result"],
      registers,
    });
  }

  /** The metrics in Prometheus' text format. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.#registry.metrics(), contentType: this.#registry.contentType };
  }

  predictionChanged(before: Prediction, after: Prediction): void {
    const labels = { model: this.#models.of(after.model), provider: after.provider };
    // A run starts as the row becomes running, or, for one that ends as it starts, as it ends.
    const startedNow = after.startedAt !== null && after.startedAt !== before.startedAt;
    const startedRunning = after.state === "running" && before.state !== "running";
    if (after.startedAt !== null && (startedRunning || (startedNow && isTerminal(after.state))))
      this.#queued.observe(labels, seconds(after.startedAt - after.createdAt));
    if (isTerminal(after.state) && !isTerminal(before.state)) {
      const end = after.completedAt ?? Date.now();
      this.#ended.inc({ ...labels, status: after.state });
      const runStart = before.state === "running" ? before.startedAt : startedNow ? after.startedAt : null;
      if (runStart !== null) this.#running.observe(labels, seconds(end - runStart));
      this.#total.observe(labels, seconds(end - after.createdAt));
    }
    // A retry on the same target is no fallback; a move to another target (or alias) is.
    if (before.route && after.route && after.route.current.key !== before.route.current.key)
      this.#fallbacks.inc({ alias: after.route.alias });
  }

  upstreamCall(provider: string, operation: string, outcome: UpstreamOutcome): void {
    this.#upstream.inc({ provider, operation, outcome });
  }

  webhookAttempt(result: WebhookResult): void {
    this.#webhooks.inc({ result });
  }
}

const seconds = (ms: number) => Math.max(0, ms) / 1000;
