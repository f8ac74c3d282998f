/** List, get and cancel, the same for predictions and trainings. */
import { Hono } from "hono";
import type { FakeEnv, FakeState } from "../context.ts";
import { page } from "../pagination.ts";
import { predictionJson } from "../prediction-json.ts";
import type { PredictionRecord } from "../prediction-store.ts";
import { badRequest, notFound } from "../problem.ts";
import type { FakePrediction } from "../types.ts";

function timeFilter(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest("Invalid query", `${name} must be an ISO 8601 date-time`);
  return ms;
}

export function recordRoutes(state: FakeState, kind: FakePrediction["kind"]): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();
  const collection = kind === "training" ? "trainings" : "predictions";
  const json = (record: PredictionRecord) => predictionJson(record, state.view);
  const found = (id: string) => {
    const record = state.predictions.get(id, kind);
    if (!record) throw notFound(kind);
    return record;
  };

  app.get(`/${collection}`, (c) => {
    const after = timeFilter(c.req.query("created_after"), "created_after");
    const before = timeFilter(c.req.query("created_before"), "created_before");
    const records = state.predictions
      .list(kind)
      .filter(
        (record) =>
          (after === undefined || record.createdAt > after) &&
          (before === undefined || record.createdAt < before),
      );
    return c.json(page(c, records, (record) => record.seq, json));
  });

  app.get(`/${collection}/:id`, (c) => c.json(json(found(c.req.param("id")))));

  app.post(`/${collection}/:id/cancel`, (c) => {
    const record = found(c.req.param("id"));
    state.runner.cancel(record);
    return c.json(json(record));
  });

  return app;
}
