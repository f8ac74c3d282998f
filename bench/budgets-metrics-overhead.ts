/**
 * What budgets and metrics cost on the throughput path: predictions per second end to end through
 * the API (create with `Prefer: wait` → output stored, sim provider at zero latency) in three
 * set-ups, side by side in one run, alternating, on SQLite and on PostgreSQL:
 * - off: a token with no limits, metrics off;
 * - budget + metrics: the token has a budget with an alert (each prediction's estimate held in the
 *   transaction that stores it and settled at its end) and opts in to budget metrics, and
 *   GENGATE_METRICS_TOKEN is set (every prediction counted and timed, every request timed by
 *   route, /metrics scraped once a second, 15 times as often as Prometheus' default);
 * - every limit + metrics: besides, an in-flight limit and requests per minute (none reached).
 * All price the sim, so all write the spend ledger. Besides the rate, the server process's CPU
 * time per prediction, which a machine shared with other work disturbs far less.
 * Run: node bench/budgets-metrics-overhead.ts [count=2000] [concurrency=32] [rounds=5, odd for a true median]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, BENCH_TOKEN, startBenchGateway } from "./support/gateway-process.ts";
import { runSimLoad } from "./support/sim-load.ts";
import { fmt, percentile } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const ROUNDS = Number(process.argv[4] ?? 5);
const METRICS_TOKEN = "gg_bench_metrics_token_0123456789";
const SCRAPE_EVERY_MS = 1_000;

interface Run {
  perSecond: number;
  /** The server's CPU time per prediction, scrapes included. */
  cpuMs: number;
  scrapes: number[];
}

/** Scrapes `/metrics` every SCRAPE_EVERY_MS until stopped; `took`: the time each scrape took, in ms. */
function scrapeEverySecond(url: string): { stop(): Promise<void>; took: number[] } {
  const took: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      const response = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      const text = await response.text();
      if (response.status !== 200 || !text.includes("gengate_queue_depth"))
        throw new Error(`/metrics answered ${response.status}`);
      took.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, SCRAPE_EVERY_MS));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
    took,
  };
}

const configDir = mkdtempSync(join(tmpdir(), "gengate-bench-config-"));
const CONFIG = join(configDir, "gengate.config.json");
writeFileSync(CONFIG, JSON.stringify({ pricing: { sim: { perRun: 0.001 } } }));

type SetUp = "off" | "budget" | "every limit";
const SET_UPS: SetUp[] = ["off", "budget", "every limit"];
const BUDGET = {
  budget: { usd: 1_000_000, period: "month", alert_at: 0.99, alert_url: "https://alerts.example/budget" },
  budget_metrics: true,
};
const EVERY_LIMIT = { ...BUDGET, predictions_in_flight: 10_000, requests_per_minute: 1_000_000 };

/** A token whose limits are checked on each request and prediction, none of them reached. */
async function limitedToken(url: string, limits: object): Promise<string> {
  const response = await fetch(`${url}/v1/admin/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", ...limits }),
  });
  if (response.status !== 201) throw new Error(`token create answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

async function measure(backend: Backend, setUp: SetUp): Promise<Run> {
  const on = setUp !== "off";
  const gateway = await startBenchGateway(backend, {
    GENGATE_SIM_LATENCY: "0",
    GENGATE_CONFIG: CONFIG,
    GENGATE_METRICS_TOKEN: on ? METRICS_TOKEN : "",
  });
  try {
    const token = on
      ? await limitedToken(gateway.url, setUp === "budget" ? BUDGET : EVERY_LIMIT)
      : BENCH_TOKEN;
    let scraper: ReturnType<typeof scrapeEverySecond> | undefined;
    const run = await runSimLoad(gateway, {
      count: COUNT,
      concurrency: CONCURRENCY,
      warmUp: 100,
      token,
      ...(on && {
        during: () => {
          scraper = scrapeEverySecond(gateway.url);
          return scraper;
        },
      }),
    });
    return { ...run, scrapes: scraper?.took ?? [] };
  } finally {
    await gateway.stop();
  }
}

const rates: string[] = [];
const costs: string[] = [];
for (const backend of ["sqlite", "postgres"] as const) {
  const runs = new Map<SetUp, Run[]>(SET_UPS.map((setUp) => [setUp, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // In turn, so that a machine getting busier or quieter weighs on each alike.
    for (const setUp of SET_UPS) runs.get(setUp)?.push(await measure(backend, setUp));
  }
  // Medians: one run disturbed by other work on the machine moves them little.
  const median = (setUp: SetUp, field: "perSecond" | "cpuMs") =>
    percentile(
      (runs.get(setUp) ?? []).map((run) => run[field]),
      50,
    );
  const list = (setUp: SetUp, field: "perSecond" | "cpuMs", digits: number) =>
    (runs.get(setUp) ?? []).map((run) => fmt(run[field], digits)).join(", ");
  const row = (field: "perSecond" | "cpuMs", digits: number) =>
    [
      ...SET_UPS.map((setUp) => list(setUp, field, digits)),
      ...SET_UPS.map((setUp) => fmt(median(setUp, field), digits)),
      fmt(median("budget", field) / median("off", field), 3),
      fmt(median("every limit", field) / median("off", field), 3),
    ].join(" | ");
  const scrapes = [...(runs.get("budget") ?? []), ...(runs.get("every limit") ?? [])].flatMap(
    (run) => run.scrapes,
  );
  const name = backend === "sqlite" ? "SQLite" : "PostgreSQL";
  rates.push(`| ${name} | ${row("perSecond", 1)} |`);
  costs.push(
    `| ${name} | ${row("cpuMs", 2)} | ${scrapes.length} | ${fmt(percentile(scrapes, 50), 1)} | ${fmt(percentile(scrapes, 99), 1)} |`,
  );
}
rmSync(configDir, { recursive: true, force: true });
console.log(
  `\n${COUNT} predictions per run, ${CONCURRENCY} clients, sim/image 64x64 PNG, zero model latency, ${ROUNDS} rounds of the three set-ups in turn\n`,
);
const header =
  "off | budget + metrics | every limit + metrics | median off | median budget | median every limit | budget / off | every limit / off";
console.log(`| backend | predictions/s: ${header} |`);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const line of rates) console.log(line);
console.log(
  `\n| backend | server CPU ms per prediction: ${header} | scrapes | scrape p50 ms | scrape p99 ms |`,
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const line of costs) console.log(line);
