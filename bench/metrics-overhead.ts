/**
 * What metrics cost on the throughput path: predictions per second end to end through the API
 * (create with `Prefer: wait` → output stored, sim provider at zero latency), with metrics off and
 * on (GENGATE_METRICS_TOKEN set, every prediction counted and timed, every request timed by route,
 * and /metrics scraped once a second during the run, 15 times as often as Prometheus' default),
 * side by side in one run, alternating, on SQLite and on PostgreSQL. Besides the rate, the server
 * process's CPU time per prediction, which a machine shared with other work disturbs far less.
 * Run: node bench/metrics-overhead.ts [count=2000] [concurrency=32] [rounds=5, odd for a true median]
 */
import { type Backend, createPrediction, startBenchGateway } from "./support/gateway-process.ts";
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

async function measure(backend: Backend, metrics: boolean): Promise<Run> {
  const gateway = await startBenchGateway(backend, {
    GENGATE_SIM_LATENCY: "0",
    GENGATE_METRICS_TOKEN: metrics ? METRICS_TOKEN : "",
  });
  try {
    await runPool(100, CONCURRENCY, (i) =>
      createPrediction(gateway.url, "sim/image", { prompt: `warm ${i}`, ...INPUT }, true).then(() => {}),
    );
    const scraper = metrics ? scrapeEverySecond(gateway.url) : undefined;
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
console.log(
  `\n${COUNT} predictions per run, ${CONCURRENCY} clients, sim/image 64x64 PNG, zero model latency, ${ROUNDS} rounds of off then on\n`,
);
console.log(
  "| backend | metrics off, predictions/s | metrics on, predictions/s | median off | median on | on / off |",
);
console.log("|---|---|---|---|---|---|");
for (const row of rates) console.log(row);
console.log(
  "\n| backend | metrics off, server CPU ms per prediction | metrics on | median off | median on | on / off | scrapes | scrape p50 ms | scrape p99 ms |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const row of costs) console.log(row);
