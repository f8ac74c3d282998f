/**
 * `/metrics` on what happens upstream: the 429s the fake Replicate answers, counted as the fake
 * recorded them; fallbacks by alias and the circuit of each catalog target; a text model's stream
 * read upstream; models outside the catalog under one `other` label.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { startGateway, startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";
import { METRICS_TOKEN, scrape } from "./support/prometheus.ts";

interface Json {
  id: string;
  status: string;
}

async function run(gateway: TestGateway, model: string, input: Record<string, unknown>): Promise<Json> {
  const response = await gateway.api(`/v1/models/${model}/predictions`, {
    method: "POST",
    headers: { prefer: "wait=30" },
    body: JSON.stringify({ input }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Json;
}

describe("upstream calls to Replicate", () => {
  let fake: FakeReplicate;
  let gateway: TestGateway;

  beforeAll(async () => {
    fake = await startFakeReplicate({ latencyMs: { min: 10, max: 30 } });
    gateway = await startGateway({
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.url,
      GENGATE_METRICS_TOKEN: METRICS_TOKEN,
    });
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  it("counts each 429 Replicate answered as a rate_limited call, and each create as a start", async () => {
    const input = { prompt: "a lighthouse", width: 256, height: 256 };
    expect((await run(gateway, "fake/sdxl", input)).status).toBe("succeeded");
    fake.faults.errors5xx(2, 429);
    expect((await run(gateway, "fake/sdxl", input)).status).toBe("succeeded");

    const s = await scrape(gateway.url);
    const sent429 = fake.requests.filter((request) => request.status === 429).length;
    expect(sent429).toBe(2);
    expect(s.sum("gengate_upstream_requests_total", { provider: "replicate", outcome: "rate_limited" })).toBe(
      sent429,
    );
    const creates = fake.requests.filter(
      (request) =>
        request.method === "POST" && request.path.endsWith("/predictions") && request.status === 201,
    );
    expect(
      s.sum("gengate_upstream_requests_total", { provider: "replicate", operation: "start", outcome: "ok" }),
    ).toBe(creates.length);
    expect(
      s.sum("gengate_predictions_total", { provider: "replicate", model: "other", status: "succeeded" }),
    ).toBe(2);
  });
});

describe("the simulator: fallbacks, circuits and streams", () => {
  const sim = { provider: "sim", model: "sim/image" };
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGatewayWithConfig(
      {
        models: { flaky: { targets: [{ ...sim, input: { fail: true } }, sim] } },
        routing: { circuitBreaker: { failures: 1, windowMs: 60_000, openMs: 60_000 } },
      },
      { GENGATE_METRICS_TOKEN: METRICS_TOKEN },
    );
  });

  afterAll(() => gateway.close());

  it("counts a move to the next target under its alias, and shows the failed target's circuit open", async () => {
    const before = await scrape(gateway.url);
    expect(before.sum("gengate_circuit_state", { target: "flaky#0", state: "closed" })).toBe(1);
    expect(before.sum("gengate_fallbacks_total")).toBe(0);

    expect((await run(gateway, "gengate/flaky", { prompt: "x", width: 64, height: 64 })).status).toBe(
      "succeeded",
    );
    const after = await scrape(gateway.url);
    expect(after.sum("gengate_fallbacks_total", { alias: "flaky" })).toBe(1);
    expect(after.samples("gengate_circuit_state", { target: "flaky#0", provider: "sim" })).toEqual(
      expect.arrayContaining([
        { labels: expect.objectContaining({ state: "open" }), value: "1" },
        { labels: expect.objectContaining({ state: "closed" }), value: "0" },
        { labels: expect.objectContaining({ state: "half-open" }), value: "0" },
      ]),
    );
    expect(after.sum("gengate_circuit_state", { target: "flaky#1", state: "closed" })).toBe(1);
    expect(after.sum("gengate_predictions_total", { model: "gengate/flaky", status: "succeeded" })).toBe(1);
    // Both runs were started upstream; the first failed there.
    expect(
      after.sum("gengate_upstream_requests_total", { provider: "sim", operation: "start", outcome: "ok" }),
    ).toBe(2);
  });

  it("counts a stream read from the provider once, when it ends", async () => {
    const created = (await (
      await gateway.api("/v1/models/sim/text/predictions", {
        method: "POST",
        body: JSON.stringify({
          input: { prompt: "stream it", max_tokens: 8, token_interval_ms: 5 },
          stream: true,
        }),
      })
    ).json()) as Json & { urls: { stream: string } };
    const events = await (
      await fetch(created.urls.stream, { headers: { accept: "text/event-stream" } })
    ).text();
    expect(events).toContain("event: done");
    const s = await scrape(gateway.url);
    expect(
      s.sum("gengate_upstream_requests_total", { provider: "sim", operation: "stream", outcome: "ok" }),
    ).toBe(1);
    expect(s.sum("gengate_predictions_total", { model: "sim/text", status: "succeeded" })).toBe(1);
  });
});
