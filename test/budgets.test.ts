/**
 * A budget holds before work is sent: 200 predictions sent at once against a budget that fits
 * exactly 50 at the estimated price admit exactly 50, embedded on SQLite and across two API
 * processes on PostgreSQL, and nothing is overspent once they settle. After kill -9 mid-run and a
 * restart, every hold is settled or released and the ledger adds up to the runs the provider made.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { startGatewayWithConfig, TEST_TOKEN } from "./support/gateway.ts";
import { startQueueCluster } from "./support/queue-cluster.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";
import { readSimStarts } from "./support/sim-starts.ts";
import { until } from "./support/until.ts";

const PRICE = 0.01;
const PRICING = { pricing: { sim: { perRun: PRICE } } };
const admin = { authorization: `Bearer ${TEST_TOKEN}` };
const dirs: string[] = [];
const processes: ServeProcess[] = [];

afterEach(() => {
  for (const { child } of processes.splice(0)) child.kill("SIGKILL");
});
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "gengate-budget-"));
  dirs.push(dir);
  const file = join(dir, "gengate.config.json");
  writeFileSync(file, JSON.stringify(PRICING));
  return file;
}

const post = (url: string, path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

async function budgetedToken(
  url: string,
  usd: number,
): Promise<{ id: string; headers: Record<string, string> }> {
  const response = await post(
    url,
    "/v1/admin/tokens",
    { name: "budgeted", budget: { usd, period: "day" } },
    admin,
  );
  expect(response.status).toBe(201);
  const { id, token } = (await response.json()) as { id: string; token: string };
  return { id, headers: { authorization: `Bearer ${token}` } };
}

/** 200 predictions at once, spread over `urls`; the statuses, and the ids of those accepted. */
async function storm(urls: string[], headers: Record<string, string>, input: Record<string, unknown> = {}) {
  const responses = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      post(
        urls[i % urls.length] ?? "",
        "/v1/models/sim/image/predictions",
        { input: { prompt: `p${i}`, ...input } },
        headers,
      ),
    ),
  );
  const accepted: string[] = [];
  const statuses: number[] = [];
  for (const response of responses) {
    statuses.push(response.status);
    const body = (await response.json()) as { id?: string };
    if (response.status === 201 && body.id) accepted.push(body.id);
  }
  return { statuses, accepted };
}

interface BudgetUsage {
  spent_usd: number;
  held_usd: number;
  remaining_usd: number;
}

const usageOf = async (url: string, tokenId: string) =>
  (
    (await (await fetch(`${url}/v1/admin/tokens/${tokenId}`, { headers: admin })).json()) as {
      budget_usage: BudgetUsage;
    }
  ).budget_usage;

const ledgerOf = async (url: string, tokenId: string) =>
  (await (await fetch(`${url}/v1/usage?group_by=model&token=${tokenId}`, { headers: admin })).json()) as {
    total_usd: number;
    runs: number;
  };

async function allEnded(url: string, ids: string[], headers: Record<string, string>): Promise<string[]> {
  return until(async () => {
    const statuses = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await fetch(`${url}/v1/predictions/${id}`, { headers })).json()) as { status: string })
            .status,
      ),
    );
    return statuses.every((s) => ["succeeded", "failed", "canceled"].includes(s)) ? statuses : undefined;
  }, 120_000);
}

/** Exactly 50 of 200 admitted; once they end, 50 × the price spent, nothing held, the ledger agreeing. */
async function expectExactlyFifty(urls: string[], apiUrl: string) {
  const token = await budgetedToken(apiUrl, 50 * PRICE);
  const { statuses, accepted } = await storm(urls, token.headers);
  expect(statuses.filter((s) => s === 201)).toHaveLength(50);
  expect(statuses.filter((s) => s === 402)).toHaveLength(150);
  expect(await allEnded(apiUrl, accepted, token.headers)).toEqual(accepted.map(() => "succeeded"));
  const usage = await until(async () => {
    const current = await usageOf(apiUrl, token.id);
    return current.held_usd === 0 ? current : undefined;
  });
  expect(usage.spent_usd).toBeCloseTo(50 * PRICE, 9);
  expect(usage.remaining_usd).toBe(0);
  const ledger = await ledgerOf(apiUrl, token.id);
  expect(ledger.runs).toBe(50);
  expect(ledger.total_usd).toBeCloseTo(usage.spent_usd, 9);
}

describe("a budget that fits 50 predictions", () => {
  it("admits exactly 50 of 200 sent at once, embedded on SQLite", async () => {
    const gateway = await startGatewayWithConfig(PRICING);
    try {
      await expectExactlyFifty([gateway.url], gateway.url);
    } finally {
      await gateway.close();
    }
  });

  it.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)(
    "admits exactly 50 of 200 sent at once across two API processes on PostgreSQL",
    async () => {
      const cluster = await startQueueCluster({ GENGATE_CONFIG: configFile() });
      try {
        const [one, two] = await Promise.all([
          cluster.spawn("api"),
          cluster.spawn("api"),
          cluster.spawn("worker"),
        ]);
        await expectExactlyFifty([one?.url ?? "", two?.url ?? ""], one?.url ?? "");
      } finally {
        await cluster.close();
      }
    },
  );
});

describe("after kill -9 mid-run and a restart", () => {
  it("every hold is settled or released and the ledger adds up to the provider's runs", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gengate-budget-crash-"));
    dirs.push(dataDir);
    const env = {
      GENGATE_DATA_DIR: dataDir,
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      GENGATE_CONFIG: configFile(),
      GENGATE_SIM_LATENCY: "0",
    };
    const first = await spawnServe(env);
    processes.push(first);
    const token = await budgetedToken(first.url, 1);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await post(
        first.url,
        "/v1/models/sim/image/predictions",
        // Some fail, to be released rather than charged; all take a while, to be cut by the kill.
        { input: { prompt: `crash ${i}`, latency_ms: 300 + 40 * i, ...(i % 5 === 0 && { fail: true }) } },
        token.headers,
      );
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { id: string }).id);
    }
    await until(async () => ((await usageOf(first.url, token.id)).spent_usd >= 5 * PRICE ? true : undefined));
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = await spawnServe(env);
    processes.push(second);
    const statuses = await allEnded(second.url, ids, token.headers);
    const succeeded = statuses.filter((s) => s === "succeeded").length;
    expect(statuses.filter((s) => s === "failed")).toHaveLength(8);
    const usage = await until(async () => {
      const current = await usageOf(second.url, token.id);
      return current.held_usd === 0 ? current : undefined;
    });
    expect(usage.spent_usd).toBeCloseTo(succeeded * PRICE, 9);
    const ledger = await ledgerOf(second.url, token.id);
    expect(ledger.total_usd).toBeCloseTo(usage.spent_usd, 9);
    second.child.kill("SIGKILL");
    await second.exited;
    // Each prediction ran once at the provider, and each run is in the ledger once.
    const starts = await readSimStarts(dataDir);
    expect(ids.map((id) => starts.get(id))).toEqual(ids.map(() => 1));
    expect(ledger.runs).toBe(ids.length);
  });
});
