/**
 * New predictions that start from their insert (embedded mode) keep the queue's promises: no more
 * run at once than their provider's places, and none passes a prediction already queued.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Prediction } from "../src/core/prediction.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

let gateway: TestGateway;

afterEach(async () => {
  await gateway.close();
});

async function create(prompt: string, latencyMs: number): Promise<string> {
  const response = await gateway.api("/v1/models/sim/image/predictions", {
    method: "POST",
    body: JSON.stringify({ input: { prompt, width: 64, height: 64, latency_ms: latencyMs } }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** When the simulator received the prediction's start, as the operation it returned says. */
const startOf = (p: Prediction) => (p.operation as { startedAt: number }).startedAt;

async function ended(ids: string[]): Promise<Prediction[]> {
  const all = await Promise.all(ids.map((id) => gateway.engine.waitFor(id, 30_000)));
  expect(all.map((p) => p.state)).toEqual(ids.map(() => "succeeded"));
  return all;
}

describe("predictions started from their insert", () => {
  it("never hold more than the provider's places at once, however many arrive together", async () => {
    gateway = await startGateway({ GENGATE_SIM_CONCURRENCY: "2" });
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => create(`together ${i}`, 150)));
    const runs = (await ended(ids)).map((p) => ({ from: startOf(p), to: p.completedAt as number }));
    const mostAtOnce = Math.max(
      ...runs.map(({ from }) => runs.filter((other) => other.from <= from && from < other.to).length),
    );
    expect(mostAtOnce).toBe(2);
  });

  it("do not pass predictions already queued", async () => {
    gateway = await startGateway({ GENGATE_SIM_CONCURRENCY: "1" });
    const first = await create("first", 300);
    const queued = [await create("second", 0), await create("third", 0)];
    const later = await create("fourth", 0);
    const [running, second, third, fourth] = await ended([first, ...queued, later]);
    const starts = [running, second, third, fourth].map((p) => startOf(p as Prediction));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(startOf(second as Prediction)).toBeGreaterThanOrEqual(running?.completedAt as number);
  });
});
