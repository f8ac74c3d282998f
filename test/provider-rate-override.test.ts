import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";

const PER_MINUTE = 120;
const INTERVAL_MS = 60_000 / PER_MINUTE;
/** The simulator's own budget allows about a second's worth at once: 2 starts at 120 a minute. */
const BURST = 2;
/** A start reaches the simulator a little after its token is taken (more so on a loaded machine). */
const JITTER_MS = 150;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGatewayWithConfig({ routing: { providers: { sim: { perMinute: PER_MINUTE } } } });
});
afterAll(async () => {
  await gateway.close();
});

describe("a provider's perMinute override", () => {
  it("spaces the starts the provider sees by the budget, after a burst of its size", async () => {
    const count = 6;
    const created = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const response = await gateway.api("/v1/models/sim/image/predictions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ input: { prompt: `p${i}`, width: 64, height: 64, latency_ms: 0 } }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
      }),
    );
    const ended = await Promise.all(created.map((id) => gateway.engine.waitFor(id, 30_000)));
    expect(ended.map((p) => p.state)).toEqual(Array(count).fill("succeeded"));
    // When the simulator received each start, as it recorded in the operation it returned.
    const starts = ended.map((p) => (p.operation as { startedAt: number }).startedAt).sort((a, b) => a - b);
    const first = starts[0] as number;
    for (const [k, at] of starts.entries()) {
      const tokensNeeded = Math.max(0, k - BURST + 1);
      expect(at - first, `start ${k}`).toBeGreaterThanOrEqual(tokensNeeded * INTERVAL_MS - JITTER_MS);
    }
  });
});
