/**
 * Scheduling of batch items: two tenants' batches share a provider's rate budget evenly, and an
 * interactive prediction goes ahead of the batch items still waiting.
 */
import { afterEach, describe, expect, it } from "vitest";
import { hashApiToken, newApiToken } from "../src/core/api-tokens.ts";
import type { BatchJson } from "../src/core/batch-json.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

const SMALL = { width: 64, height: 64 };

interface PredictionTimes {
  id: string;
  status: string;
  created_at: string;
  started_at: string;
  completed_at: string;
}

let gateway: TestGateway | undefined;
afterEach(() => gateway?.close());

async function tenant(gw: TestGateway, name: string) {
  const secret = newApiToken();
  await gw.store.tokens.create({ name, tokenHash: hashApiToken(secret), isAdmin: false });
  const call = (path: string, body?: unknown) =>
    fetch(`${gw.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }).then((response) => response.json());
  return {
    batch: (prompts: number, latencyMs: number) =>
      call("/v1/batches", {
        model: "sim/image",
        input: { ...SMALL, latency_ms: latencyMs },
        items: Array.from({ length: prompts }, (_, i) => ({ input: { prompt: `${name} ${i}` } })),
      }) as Promise<BatchJson>,
    predict: (prompt: string) =>
      call("/v1/models/sim/image/predictions", { input: { ...SMALL, prompt } }) as Promise<PredictionTimes>,
    get: (path: string) => call(path),
  };
}

async function untilEnded(get: (path: string) => Promise<unknown>, id: string): Promise<BatchJson> {
  for (;;) {
    const batch = (await get(`/v1/batches/${id}`)) as BatchJson;
    if (batch.status !== "processing") return batch;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startTimes(get: (path: string) => Promise<unknown>, batch: BatchJson): Promise<number[]> {
  const predictions = await Promise.all(
    (batch.items ?? []).map(
      (item) => get(`/v1/predictions/${item.prediction_id}`) as Promise<PredictionTimes>,
    ),
  );
  return predictions.map((p) => Date.parse(p.started_at));
}

describe("two tenants' batches on one rate-limited provider", () => {
  it("share its budget within 10% of evenly while both wait", async () => {
    gateway = await startGateway({ GENGATE_SIM_RATE_PER_MINUTE: "1200" });
    const alice = await tenant(gateway, "alice");
    const bob = await tenant(gateway, "bob");
    const first = await alice.batch(60, 0);
    const second = await bob.batch(60, 0);
    const [a, b] = await Promise.all([untilEnded(alice.get, first.id), untilEnded(bob.get, second.id)]);
    expect([a.counts.succeeded, b.counts.succeeded]).toEqual([60, 60]);

    const aliceStarts = await startTimes(alice.get, a);
    const bobStarts = await startTimes(bob.get, b);
    // From bob's batch arriving until either batch has no item left waiting.
    const from = Date.parse(b.created_at);
    const until = Math.min(Math.max(...aliceStarts), Math.max(...bobStarts));
    const within = (starts: number[]) => starts.filter((t) => t > from && t <= until).length;
    const [aliceShare, bobShare] = [within(aliceStarts), within(bobStarts)];
    expect(aliceShare + bobShare).toBeGreaterThan(40);
    const mean = (aliceShare + bobShare) / 2;
    expect(Math.abs(aliceShare - mean) / mean).toBeLessThanOrEqual(0.1);
  });
});

describe("an interactive prediction during a batch", () => {
  it("starts next and finishes before the batch's queued items", async () => {
    gateway = await startGateway({ GENGATE_SIM_CONCURRENCY: "1" });
    const alice = await tenant(gateway, "alice");
    const batch = await alice.batch(12, 100);
    await expect
      .poll(async () => ((await alice.get(`/v1/batches/${batch.id}`)) as BatchJson).counts.succeeded)
      .toBeGreaterThanOrEqual(2);
    const submittedAt = Date.now();
    const { id } = await alice.predict("right now");
    const ended = await untilEnded(alice.get, batch.id);
    const interactive = (await alice.get(`/v1/predictions/${id}`)) as PredictionTimes;
    expect(interactive.status).toBe("succeeded");

    const starts = await startTimes(alice.get, ended);
    const startedMeanwhile = starts.filter((t) => t > submittedAt && t < Date.parse(interactive.started_at));
    // Only the item that may have been starting when it arrived goes first.
    expect(startedMeanwhile.length).toBeLessThanOrEqual(1);
    const queuedThen = starts.filter((t) => t > Date.parse(interactive.started_at));
    expect(queuedThen.length).toBeGreaterThan(5);
    for (const start of queuedThen)
      expect(start).toBeGreaterThanOrEqual(Date.parse(interactive.completed_at));
  });
});
