/**
 * Old predictions must not slow new ones: throughput and p50 latency of sim predictions at zero
 * latency (create with `Prefer: wait` → output stored) on an empty table and on one holding
 * 1,000,000 ended predictions, SQLite and PostgreSQL, side by side as ratios in one run.
 * Run: node bench/old-predictions.ts [old=1000000] [count=2000] [concurrency=32]
 */
import { openDatabase } from "../src/store/database.ts";
import { storeOldPredictions } from "../test/support/old-predictions.ts";
import {
  type Backend,
  type BenchDatabase,
  createPrediction,
  startBenchGateway,
} from "./support/gateway-process.ts";
import { fmt, percentile, runPool } from "./support/stats.ts";

const OLD = Number(process.argv[2] ?? 1_000_000);
const COUNT = Number(process.argv[3] ?? 2000);
const CONCURRENCY = Number(process.argv[4] ?? 32);
const INPUT = { width: 64, height: 64, output_format: "png" };

/** Stores `count` ended predictions where the server will find them. */
async function fill(location: BenchDatabase, count: number): Promise<void> {
  const database = await openDatabase(location);
  try {
    await storeOldPredictions(database.db, database.dialect, count);
  } finally {
    await database.close();
  }
}

interface Result {
  perSecond: number;
  p50Ms: number;
}

async function measure(backend: Backend, old: number): Promise<Result> {
  const filledAt = performance.now();
  const gateway = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" }, (database) =>
    old > 0 ? fill(database, old) : Promise.resolve(),
  );
  if (old > 0)
    console.error(
      `${backend}: ${old} old predictions stored and server up in ${fmt((performance.now() - filledAt) / 1000)} s`,
    );
  try {
    await runPool(100, CONCURRENCY, (i) =>
      createPrediction(gateway.url, "sim/image", { prompt: `warm ${i}`, ...INPUT }, true).then(() => {}),
    );
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    await runPool(COUNT, CONCURRENCY, async (i) => {
      const sent = performance.now();
      const prediction = await createPrediction(
        gateway.url,
        "sim/image",
        { prompt: `bench ${i}`, ...INPUT },
        true,
      );
      latencies.push(performance.now() - sent);
      if (prediction.status !== "succeeded") failed++;
    });
    const seconds = (performance.now() - started) / 1000;
    if (failed > 0) throw new Error(`${failed} predictions did not succeed on ${backend}`);
    return { perSecond: COUNT / seconds, p50Ms: percentile(latencies, 50) };
  } finally {
    await gateway.stop();
  }
}

const rows: string[] = [];
for (const backend of ["sqlite", "postgres"] as const) {
  const empty = await measure(backend, 0);
  const filled = await measure(backend, OLD);
  rows.push(
    `| ${backend === "sqlite" ? "SQLite" : "PostgreSQL"} | ${fmt(empty.perSecond)} | ${fmt(filled.perSecond)} | ${fmt(filled.perSecond / empty.perSecond, 2)} | ${fmt(empty.p50Ms)} | ${fmt(filled.p50Ms)} | ${fmt(filled.p50Ms / empty.p50Ms, 2)} |`,
  );
}
console.log(
  `\n${COUNT} sim/image predictions, ${CONCURRENCY} clients, zero model latency; empty table vs ${OLD} ended predictions\n`,
);
console.log(
  "| backend | empty: predictions/s | old rows: predictions/s | throughput old ÷ empty | empty: p50 ms | old rows: p50 ms | p50 old ÷ empty |",
);
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log("\nAcceptance: throughput ratio ≥ 0.90 and p50 ratio ≤ 1.10.");
