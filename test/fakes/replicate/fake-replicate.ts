/** Starts the fake: an API origin and a delivery origin on 127.0.0.1, and everything behind them. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import { newSigningKey, signingSecret } from "../../../src/core/webhook-signature.ts";
import { apiApp } from "./api-app.ts";
import { addBuiltinModels } from "./builtin-models.ts";
import { Catalog } from "./catalog.ts";
import type { FakeEnv, FakeState } from "./context.ts";
import { DeliveryStore, deliveryApp } from "./delivery.ts";
import { FaultState } from "./faults.ts";
import { FileStore } from "./file-store.ts";
import { InputValidator } from "./input-validation.ts";
import { resolveOptions } from "./options.ts";
import { PredictionEvents } from "./prediction-events.ts";
import { predictionJson } from "./prediction-json.ts";
import { PredictionStore } from "./prediction-store.ts";
import { RateLimiter } from "./rate-limit.ts";
import { Runner } from "./runner.ts";
import { Scheduler } from "./scheduler.ts";
import type { TrainingInputRecord } from "./training-data.ts";
import type { FakeReplicate, FakeReplicateOptions } from "./types.ts";
import { WebhookSender } from "./webhook-sender.ts";

async function listen(app: Hono<FakeEnv>, port: number): Promise<{ server: Server; origin: string }> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function stop(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

function createState(options: FakeReplicateOptions): FakeState {
  const resolved = resolveOptions(options);
  const scheduler = new Scheduler();
  const events = new PredictionEvents();
  const catalog = new Catalog();
  addBuiltinModels(catalog);
  const files = new FileStore();
  const delivery = new DeliveryStore(resolved.outputTtlMs);
  const validator = new InputValidator();
  const view = { apiUrl: "", outputTtlMs: resolved.outputTtlMs };
  const inputs = {
    files,
    signal: scheduler.signal,
    get apiUrl() {
      return view.apiUrl;
    },
  };
  const trainingInputs: TrainingInputRecord[] = [];
  const faults = new FaultState();
  const runner = new Runner({
    options: resolved,
    scheduler,
    events,
    catalog,
    delivery,
    validator,
    faults,
    inputs,
    trainingInputs,
  });
  return {
    options: resolved,
    view,
    catalog,
    predictions: new PredictionStore(),
    files,
    delivery,
    events,
    scheduler,
    runner,
    faults,
    limiter: new RateLimiter(resolved),
    validator,
    requests: [],
    deliveries: [],
    webhookAttempts: [],
    trainingInputs,
    webhookKey: newSigningKey(),
  };
}

/** `port` is for serve.ts; tests take a free one. */
export async function listenFakeReplicate(
  options: FakeReplicateOptions = {},
  port = 0,
): Promise<FakeReplicate> {
  const state = createState(options);
  const webhooks = new WebhookSender({
    scheduler: state.scheduler,
    faults: state.faults,
    attempts: state.webhookAttempts,
    key: () => state.webhookKey,
    retryDelaysMs: state.options.webhookRetryDelaysMs,
    json: (record) => predictionJson(record, state.view),
  });
  state.events.onAny((record, change) => webhooks.handle(record, change));

  const api = await listen(apiApp(state), port);
  const delivery = await listen(deliveryApp(state.delivery, state.deliveries, state), 0);
  state.view.apiUrl = `${api.origin}/v1`;
  state.delivery.baseUrl = delivery.origin;

  return {
    url: state.view.apiUrl,
    deliveryUrl: delivery.origin,
    token: state.options.token,
    get webhookSecret() {
      return signingSecret(state.webhookKey);
    },
    requests: state.requests,
    deliveries: state.deliveries,
    webhookAttempts: state.webhookAttempts,
    predictions: () => state.predictions.snapshots(state.options.outputTtlMs),
    trainingInputs: () => structuredClone(state.trainingInputs),
    faults: state.faults,
    lowerCreates(limit) {
      state.limiter.lower(limit);
    },
    rotateWebhookSecret() {
      state.webhookKey = newSigningKey();
      return signingSecret(state.webhookKey);
    },
    reset() {
      for (const list of [state.requests, state.deliveries, state.webhookAttempts]) list.length = 0;
      state.faults.clear();
      state.limiter.clear();
    },
    async close() {
      state.scheduler.close();
      await Promise.all([stop(api.server), stop(delivery.server)]);
    },
  };
}

export function startFakeReplicate(options?: FakeReplicateOptions): Promise<FakeReplicate> {
  return listenFakeReplicate(options);
}
