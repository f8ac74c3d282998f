/**
 * Old predictions must not slow new ones: throughput and p50 latency of sim predictions at zero
 * latency (create with `Prefer: wait` → output stored) on an empty table and on one holding
 * 1,000,000 ended predictions, SQLite and PostgreSQL. Both servers of a backend serve at once and
 * are driven in alternating rounds, so that the machine's load, which moves absolute figures by a
 * third within minutes, weighs on both alike; the ratios compare the rounds' totals.
 * Run: node bench/old-predictions.ts [old=1000000] [count=2000] [concurrency=32] [rounds=8]
 */
import { openDatabase } from "../src/store/database.ts";
import { storeOldPredictions } from "../test/support/old-predictions.ts";
import {
  type Backend,
  type BenchDatabase,
  type BenchGateway,
  startBenchGateway,
} from "./support/gateway-process.ts";
import { simImageSucceeds } from "./support/sim-load.ts";
import { fmt, percentile, runPool } from "./support/stats.ts";

const OLD = Number(process.argv[2] ?? 1_000_000);
const COUNT = Number(process.argv[3] ?? 2000);
const CONCURRENCY = Number(process.argv[4] ?? 32);
const ROUNDS = Number(process.argv[5] ?? 8);

/** Stores `count` ended predictions where the server will find them. */
async function fill(location: BenchDatabase, count: number): Promise<void> {
  const database = await openDatabase(location);
  try {
    await storeOldPredictions(database.db, database.dialect, count);
  } finally {
    await database.close();
  }
}

interface Side {
  served: BenchGateway;
  seconds: number;
  latencies: number[];
}

async function round(side: Side, count: number, prompt: string): Promise<void> {
  const started = performance.now();
  await runPool(count, CONCURRENCY, async (i) => {
    const sent = performance.now();
    await simImageSucceeds(side.served.url, `${prompt} ${i}`);
    side.latencies.push(performance.now() - sent);
  });
  side.seconds += (performance.now() - started) / 1000;
}

interface Result {
  perSecond: number;
  p50Ms: number;
}

async function measure(backend: Backend): Promise<{ empty: Result; filled: Result }> {
  const filledAt = performance.now();
  const filled = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" }, (database) =>
    fill(database, OLD),
  );
  console.error(
    `${backend}: ${OLD} old predictions stored and server up in ${fmt((performance.now() - filledAt) / 1000)} s`,
  );
  const empty = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" });
  const sides = [empty, filled].map((served): Side => ({ served, seconds: 0, latencies: [] }));
  try {
    for (const side of sides) await round(side, 100, "warm");
    for (const side of sides) side.latencies.length = 0;
    const perRound = Math.ceil(COUNT / ROUNDS);
    for (let r = 0; r < ROUNDS; r++)
      for (const side of r % 2 === 0 ? sides : [...sides].reverse())
        await round(side, perRound, `bench ${r}`);
    const [onEmpty, onFilled] = sides.map(
      (side): Result => ({
        perSecond: side.latencies.length / side.seconds,
        p50Ms: percentile(side.latencies, 50),
      }),
    ) as [Result, Result];
    return { empty: onEmpty, filled: onFilled };
  } finally {
    for (const side of sides) await side.served.stop();
  }
}

const rows: string[] = [];
for (const backend of ["sqlite", "postgres"] as const) {
  const { empty, filled } = await measure(backend);
  rows.push(
    `| ${backend === "sqlite" ? "SQLite" : "PostgreSQL"} | ${fmt(empty.perSecond)} | ${fmt(filled.perSecond)} | ${fmt(filled.perSecond / empty.perSecond, 2)} | ${fmt(empty.p50Ms)} | ${fmt(filled.p50Ms)} | ${fmt(filled.p50Ms / empty.p50Ms, 2)} |`,
  );
}
console.log(
  `\n${COUNT} sim/image predictions on each table in ${ROUNDS} alternating rounds, ${CONCURRENCY} clients, zero model latency; empty table vs ${OLD} ended predictions\n`,
);
console.log(
  "| backend | empty: predictions/s | old rows: predictions/s | throughput old ÷ empty | empty: p50 ms | old rows: p50 ms | p50 old ÷ empty |",
);
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log("\nAcceptance: throughput ratio ≥ 0.90 and p50 ratio ≤ 1.10.");
