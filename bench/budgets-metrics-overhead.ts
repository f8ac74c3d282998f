/**
 * What budgets and metrics cost on the throughput path: predictions per second end to end through
 * the API (create with `Prefer: wait` → output stored, sim provider at zero latency), with them off
 * (an unlimited token, no metrics) and on: the predictions' token has a budget, an in-flight limit
 * and a request rate (its cost held in the transaction that stores each prediction and settled at
 * its end), opts in to budget metrics, and GENGATE_METRICS_TOKEN is set (every prediction counted
 * and timed, every request timed by route, /metrics scraped once a second, 15 times as often as
 * Prometheus' default). Both price the sim, so both write the spend ledger. Side by side in one
 * run, alternating, on SQLite and on PostgreSQL. Besides the rate, the server process's CPU time
 * per prediction, which a machine shared with other work disturbs far less.
 * Run: node bench/budgets-metrics-overhead.ts [count=2000] [concurrency=32] [rounds=5, odd for a true median]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, BENCH_TOKEN, createPrediction, startBenchGateway } from "./support/gateway-process.ts";
import { cpuSecondsOf, fmt, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const ROUNDS = Number(process.argv[4] ?? 5);
const INPUT = { width: 64, height: 64, output_format: "png" };
const METRICS_TOKEN = "gg_bench_metrics_token_0123456789";
const SCRAPE_EVERY_MS = 1_000;

interface Run {
  perSecond: number;
  /** The server's CPU time per prediction, scrapes included. */
  cpuMs: number;
  scrapes: number[];
}

/** Scrapes `/metrics` every SCRAPE_EVERY_MS until stopped; the time each scrape took, in ms. */
function scrapeEverySecond(url: string): { stop(): Promise<number[]> } {
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
      return took;
    },
  };
}

const configDir = mkdtempSync(join(tmpdir(), "gengate-bench-config-"));
const CONFIG = join(configDir, "gengate.config.json");
writeFileSync(CONFIG, JSON.stringify({ pricing: { sim: { perRun: 0.001 } } }));

/** A token whose every limit is checked on each request and prediction, none of them reached. */
async function limitedToken(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/admin/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: "bench",
      budget: { usd: 1_000_000, period: "month", alert_at: 0.99, alert_url: "https://alerts.example/budget" },
      budget_metrics: true,
      predictions_in_flight: 10_000,
      requests_per_minute: 1_000_000,
    }),
  });
  if (response.status !== 201) throw new Error(`token create answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

async function measure(backend: Backend, limits: boolean): Promise<Run> {
  const gateway = await startBenchGateway(backend, {
    GENGATE_SIM_LATENCY: "0",
    GENGATE_CONFIG: CONFIG,
    GENGATE_METRICS_TOKEN: limits ? METRICS_TOKEN : "",
  });
  try {
    const token = limits ? await limitedToken(gateway.url) : BENCH_TOKEN;
    await runPool(100, CONCURRENCY, (i) =>
      createPrediction(gateway.url, "sim/image", { prompt: `warm ${i}`, ...INPUT }, true, token).then(
        () => {},
      ),
    );
    const scraper = limits ? scrapeEverySecond(gateway.url) : undefined;
    let failed = 0;
    const pid = gateway.child.pid ?? 0;
    const cpuBefore = await cpuSecondsOf(pid);
    const started = performance.now();
    await runPool(COUNT, CONCURRENCY, async (i) => {
      const prediction = await createPrediction(
        gateway.url,
        "sim/image",
        { prompt: `bench ${i}`, ...INPUT },
        true,
        token,
      );
      if (prediction.status !== "succeeded") failed++;
    });
    const seconds = (performance.now() - started) / 1000;
    const scrapes = (await scraper?.stop()) ?? [];
    const cpuMs = ((await cpuSecondsOf(pid)) - cpuBefore) * 1000;
    if (failed > 0) throw new Error(`${failed} predictions did not succeed on ${backend}`);
    return { perSecond: COUNT / seconds, cpuMs: cpuMs / COUNT, scrapes };
  } finally {
    await gateway.stop();
  }
}

const rates: string[] = [];
const costs: string[] = [];
for (const backend of ["sqlite", "postgres"] as const) {
  const off: Run[] = [];
  const on: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating, so that a machine getting busier or quieter weighs on both alike.
    off.push(await measure(backend, false));
    on.push(await measure(backend, true));
  }
  // Medians: one run disturbed by other work on the machine moves them little.
  const median = (runs: Run[], field: "perSecond" | "cpuMs") =>
    percentile(
      runs.map((run) => run[field]),
      50,
    );
  const list = (runs: Run[], field: "perSecond" | "cpuMs", digits: number) =>
    runs.map((run) => fmt(run[field], digits)).join(", ");
  const scrapes = on.flatMap((run) => run.scrapes);
  const name = backend === "sqlite" ? "SQLite" : "PostgreSQL";
  rates.push(
    `| ${name} | ${list(off, "perSecond", 1)} | ${list(on, "perSecond", 1)} | ${fmt(median(off, "perSecond"), 1)} | ${fmt(median(on, "perSecond"), 1)} | ${fmt(median(on, "perSecond") / median(off, "perSecond"), 3)} |`,
  );
  costs.push(
    `| ${name} | ${list(off, "cpuMs", 2)} | ${list(on, "cpuMs", 2)} | ${fmt(median(off, "cpuMs"), 2)} | ${fmt(median(on, "cpuMs"), 2)} | ${fmt(median(on, "cpuMs") / median(off, "cpuMs"), 3)} | ${scrapes.length} | ${fmt(percentile(scrapes, 50), 1)} | ${fmt(percentile(scrapes, 99), 1)} |`,
  );
}
rmSync(configDir, { recursive: true, force: true });
console.log(
  `\n${COUNT} predictions per run, ${CONCURRENCY} clients, sim/image 64x64 PNG, zero model latency, ${ROUNDS} rounds of off then on\n`,
);
console.log(
  "| backend | budgets and metrics off, predictions/s | on, predictions/s | median off | median on | on / off |",
);
console.log("|---|---|---|---|---|---|");
for (const row of rates) console.log(row);
console.log(
  "\n| backend | budgets and metrics off, server CPU ms per prediction | on | median off | median on | on / off | scrapes | scrape p50 ms | scrape p99 ms |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const row of costs) console.log(row);
