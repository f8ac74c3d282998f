/** Waiting, deadlines, webhook delivery and streaming, through the HTTP API. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

let gateway: TestGateway;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // Webhooks go to a receiver on loopback.
  gateway = await startGateway({ GENGATE_ALLOW_PRIVATE_URLS: "1" });
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  await gateway.close();
});

type Json = Record<string, unknown> & { id: string; status: string; urls: Record<string, string> };

async function create(
  input: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  headers = {},
): Promise<Json> {
  const response = await gateway.api("/v1/models/sim/image/predictions", {
    method: "POST",
    headers,
    body: JSON.stringify({ input: { width: 64, height: 64, ...input }, ...extra }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Json;
}

async function waitUntilTerminal(id: string): Promise<Json> {
  for (;;) {
    const prediction = (await (await gateway.api(`/v1/predictions/${id}`)).json()) as Json;
    if (["succeeded", "failed", "canceled"].includes(prediction.status)) return prediction;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("Prefer: wait", () => {
  it("holds the request until the prediction ends and echoes the preference", async () => {
    const response = await gateway.api("/v1/models/sim/image/predictions", {
      method: "POST",
      headers: { prefer: "wait=5" },
      body: JSON.stringify({ input: { prompt: "fast", width: 64, height: 64, latency_ms: 300 } }),
    });
    expect(response.headers.get("preference-applied")).toBe("wait=5");
    const prediction = (await response.json()) as Json;
    expect(prediction.status).toBe("succeeded");
    expect(prediction.output).toHaveLength(1);
  });

  it("answers starting (never processing) before the wait runs out", async () => {
    const started = Date.now();
    const prediction = await create({ prompt: "slow", latency_ms: 5_000 }, {}, { prefer: "wait=1" });
    const elapsed = Date.now() - started;
    expect(prediction.status).toBe("starting");
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(1_000);
    await gateway.api(`/v1/predictions/${prediction.id}/cancel`, { method: "POST" });
  });
});

describe("Cancel-After", () => {
  it("cancels work that outlives its deadline", async () => {
    const prediction = await create({ prompt: "too slow", latency_ms: 60_000 }, {}, { "cancel-after": "5s" });
    expect(typeof prediction.deadline).toBe("string");
    const ended = await waitUntilTerminal(prediction.id);
    expect(ended.status).toBe("canceled");
    expect(ended.error).toBe("deadline exceeded");
  }, 15_000);
});

describe("webhooks", () => {
  it("sends start, output and completed events as filtered", async () => {
    receiver.received.length = 0;
    const prediction = await create(
      { prompt: "events" },
      { webhook: receiver.url, webhook_events_filter: ["start", "completed"] },
    );
    const deliveries = await receiver.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const statuses = deliveries.map((d) => (JSON.parse(d.body) as Json).status);
    expect(deliveries.every((d) => (JSON.parse(d.body) as Json).id === prediction.id)).toBe(true);
    // the start event carries the prediction as it was when work began; output events are filtered out
    expect(statuses).toEqual(["starting", "succeeded"]);
    expect(deliveries).toHaveLength(2);
  });

  it("retries a terminal event with the same webhook-id until it is accepted", async () => {
    receiver.received.length = 0;
    receiver.respondWith = (attempt) => (attempt < 3 ? 500 : 204);
    try {
      await create({ prompt: "retry" }, { webhook: receiver.url, webhook_events_filter: ["completed"] });
      const deliveries = await receiver.waitFor(3, 15_000);
      const ids = new Set(deliveries.map((d) => d.headers["webhook-id"]));
      expect(ids.size).toBe(1);
      expect(deliveries.map((d) => d.body)).toEqual([
        deliveries[0]?.body,
        deliveries[0]?.body,
        deliveries[0]?.body,
      ]);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(receiver.received).toHaveLength(3);
    } finally {
      receiver.respondWith = () => 200;
    }
  }, 20_000);
});

describe("stream", () => {
  it("ends with error and done events when a streamed prediction fails", async () => {
    const response = await gateway.api("/v1/models/sim/text/predictions", {
      method: "POST",
      body: JSON.stringify({ input: { prompt: "doomed", fail: "model crashed", latency_ms: 100 } }),
    });
    const prediction = (await response.json()) as Json;
    const stream = await fetch(prediction.urls.stream ?? "", { headers: { accept: "text/event-stream" } });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const text = await stream.text();
    expect(text).toContain('event: error\ndata: {"detail":"model crashed"}');
    expect(text).toMatch(/event: done\ndata: \{"reason":"error"\}\nid: \d+:\d+/);
  });
});
