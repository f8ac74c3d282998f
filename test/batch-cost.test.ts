import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchJson } from "../src/core/batch-json.ts";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

const PER_SECOND = 0.01;
const FAILED_RUN_MS = 400;
const GOOD_RUN_MS = 200;
const sim = { provider: "sim", model: "sim/image" };
const CONFIG = {
  models: {
    shaky: {
      targets: [
        { ...sim, input: { fail: "GPU fell over", latency_ms: FAILED_RUN_MS } },
        { ...sim, input: { fail: false, latency_ms: GOOD_RUN_MS } },
      ],
    },
  },
  pricing: { sim: { perSecond: PER_SECOND } },
};

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGatewayWithConfig(CONFIG);
});
afterAll(async () => {
  await gateway.close();
});

describe("a batch's cost", () => {
  it("sums every run of each item, the failed runs before a fallback included", async () => {
    const response = await gateway.api("/v1/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gengate/shaky",
        input: { width: 64, height: 64 },
        items: [{ input: { prompt: "a" } }, { input: { prompt: "b" } }],
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as BatchJson;
    const ended = await until(async () => {
      const batch = (await (await gateway.api(`/v1/batches/${id}`)).json()) as BatchJson;
      return batch.status === "processing" ? undefined : batch;
    });
    expect(ended.status).toBe("completed");
    const perItem = ((FAILED_RUN_MS + GOOD_RUN_MS) / 1000) * PER_SECOND;
    expect(ended.cost.unpriced_items).toBe(0);
    expect(ended.cost.usd).toBeCloseTo(2 * perItem, 6);
  });
});
