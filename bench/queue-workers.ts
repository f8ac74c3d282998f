/**
 * Queue mode's scaling: predictions per second end to end (create with `Prefer: wait` → output
 * stored) through two API processes with 1, 2 and 3 worker processes side by side in one run,
 * sim provider at zero latency, PostgreSQL; and the pickup latency (created → started) of
 * predictions sent one at a time to an idle deployment.
 * Run: node bench/queue-workers.ts [count] [concurrency]
 */
import { startQueueCluster } from "../test/support/queue-cluster.ts";
import { BENCH_TOKEN, createPrediction } from "./support/gateway-process.ts";
import { fmt, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const PICKUPS = 100;
const INPUT = { width: 64, height: 64, output_format: "png" };

interface Figures {
  perSecond: number;
  pickupP50: number;
  pickupP99: number;
}

async function measure(workers: number): Promise<Figures> {
  const cluster = await startQueueCluster({ GENGATE_ADMIN_TOKEN: BENCH_TOKEN });
  try {
    const apis = await Promise.all([cluster.spawn("api"), cluster.spawn("api")]);
    await Promise.all(Array.from({ length: workers }, () => cluster.spawn("worker")));
    const urlOf = (i: number) => (apis[i % apis.length] as { url: string }).url;
    const pickups: number[] = [];
    for (let i = 0; i < PICKUPS; i++) {
      const done = (await createPrediction(
        urlOf(i),
        "sim/image",
        { prompt: `idle ${i}`, ...INPUT },
        true,
      )) as {
        created_at?: string;
        started_at?: string;
      };
      pickups.push(Date.parse(done.started_at ?? "") - Date.parse(done.created_at ?? ""));
    }
    let failed = 0;
    const started = performance.now();
    await runPool(COUNT, CONCURRENCY, async (i) => {
      const prediction = await createPrediction(
        urlOf(i),
        "sim/image",
        { prompt: `bench ${i}`, ...INPUT },
        true,
      );
      if (prediction.status !== "succeeded") failed++;
    });
    const seconds = (performance.now() - started) / 1000;
    if (failed > 0) throw new Error(`${failed} predictions did not succeed with ${workers} workers`);
    return {
      perSecond: COUNT / seconds,
      pickupP50: percentile(pickups, 50),
      pickupP99: percentile(pickups, 99),
    };
  } finally {
    await cluster.close();
  }
}

const results: [number, Figures][] = [];
for (const workers of [1, 2, 3]) results.push([workers, await measure(workers)]);
console.log(
  `\n${COUNT} predictions, ${CONCURRENCY} clients over two API processes, sim/image 64x64 PNG, zero model latency\n`,
);
console.log("| worker processes | predictions/s | pickup p50 ms | pickup p99 ms |");
console.log("|---|---|---|---|");
for (const [workers, f] of results)
  console.log(`| ${workers} | ${fmt(f.perSecond)} | ${fmt(f.pickupP50, 0)} | ${fmt(f.pickupP99, 0)} |`);
