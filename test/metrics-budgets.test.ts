/**
 * `/metrics` reports this month's spend by provider as the ledger has it, and the budgets of the
 * tokens that opted in (only those: their id and name are labels), read by a real text parser.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";
import { METRICS_TOKEN, scrape } from "./support/prometheus.ts";
import { until } from "./support/until.ts";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGatewayWithConfig(
    { pricing: { sim: { perRun: 0.01 } } },
    { GENGATE_METRICS_TOKEN: METRICS_TOKEN },
  );
});

afterAll(() => gateway.close());

async function token(body: Record<string, unknown>) {
  const response = await gateway.api("/v1/admin/tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; token: string };
}

async function runThree(secret: string) {
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${gateway.url}/v1/models/sim/image/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", prefer: "wait=30" },
      body: JSON.stringify({ input: { prompt: `p${i}`, width: 64, height: 64 } }),
    });
    expect(((await response.json()) as { status: string }).status).toBe("succeeded");
  }
}

it("shows the spend the ledger holds and the budgets opted in, and no others", async () => {
  const watched = await token({ name: "watched", budget: { usd: 1, period: "week" }, budget_metrics: true });
  const quiet = await token({ name: "quiet", budget: { usd: 1, period: "day" } });
  await runThree(watched.token);
  await runThree(quiet.token);
  const usage = await until(async () => {
    const ledger = (await (await gateway.api("/v1/usage?group_by=model")).json()) as {
      total_usd: number;
      runs: number;
    };
    return ledger.runs === 6 ? ledger : undefined;
  });
  await until(async () => {
    const held = (await (await gateway.api(`/v1/admin/tokens/${watched.id}`)).json()) as {
      budget_usage: { held_usd: number };
    };
    return held.budget_usage.held_usd === 0 ? true : undefined;
  });

  const scraped = await scrape(gateway.url);
  expect(scraped.sum("gengate_spend_usd", { provider: "sim" })).toBeCloseTo(usage.total_usd, 9);
  expect(usage.total_usd).toBeCloseTo(0.06, 9);
  const remaining = scraped.samples("gengate_budget_remaining_usd");
  expect(remaining.map((sample) => sample.labels)).toEqual([
    { scope: "token", id: watched.id, name: "watched", period: "week" },
  ]);
  expect(Number(remaining[0]?.value)).toBeCloseTo(0.97, 9);
  expect(scraped.sum("gengate_budget_used_usd", { id: watched.id })).toBeCloseTo(0.03, 9);
  expect(scraped.text).not.toContain(quiet.id);
  expect(scraped.text).not.toContain(watched.token);
});
