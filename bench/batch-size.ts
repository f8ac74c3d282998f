/**
 * A big batch drains as fast per item as a small one: a 1,000-item and a 10,000-item batch of
 * sim/image at zero model latency, each on a fresh gateway, SQLite and PostgreSQL side by side in
 * one run. The drain is the batch row's own created → completed time, read from the database by
 * this process (the batch's event stream or GET would read every item again and again, costing the
 * server work of its own).
 * Run: node bench/batch-size.ts [small=1000] [large=10000]
 */
import type { BatchJson } from "../src/core/batch-json.ts";
import { openDatabase } from "../src/store/database.ts";
import {
  type Backend,
  BENCH_TOKEN,
  type BenchDatabase,
  startBenchGateway,
} from "./support/gateway-process.ts";
import { fmt } from "./support/stats.ts";

const SMALL = Number(process.argv[2] ?? 1000);
const LARGE = Number(process.argv[3] ?? 10_000);
const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };

/** Items drained per second by a batch of `count` items on a fresh gateway. */
async function drainRate(backend: Backend, count: number): Promise<number> {
  let location: BenchDatabase | undefined;
  const gateway = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" }, async (database) => {
    location = database;
  });
  const { db, close } = await openDatabase(location as BenchDatabase);
  try {
    const response = await fetch(`${gateway.url}/v1/batches`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({
        model: "sim/image",
        input: { width: 64, height: 64, output_format: "png" },
        items: Array.from({ length: count }, (_, i) => ({ input: { prompt: `batch size ${i}` } })),
      }),
    });
    if (response.status !== 201)
      throw new Error(`create answered ${response.status}: ${await response.text()}`);
    const batch = (await response.json()) as BatchJson;
    for (;;) {
      const row = await db
        .selectFrom("batches")
        .select(["status", "created_at", "completed_at"])
        .where("id", "=", batch.id)
        .executeTakeFirstOrThrow();
      if (row.status !== "processing") {
        const succeeded = await db
          .selectFrom("batch_items")
          .innerJoin("predictions", "predictions.id", "batch_items.prediction_id")
          .select((eb) => eb.fn.countAll<number>().as("count"))
          .where("batch_items.batch_id", "=", batch.id)
          .where("predictions.state", "=", "succeeded")
          .executeTakeFirstOrThrow();
        if (Number(succeeded.count) !== count)
          throw new Error(`${backend}: ${succeeded.count} of ${count} items succeeded`);
        return count / ((Number(row.completed_at) - Number(row.created_at)) / 1000);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await close();
    await gateway.stop();
  }
}

const rows: string[] = [];
for (const backend of ["sqlite", "postgres"] as const) {
  const small = await drainRate(backend, SMALL);
  const large = await drainRate(backend, LARGE);
  rows.push(
    `| ${backend === "sqlite" ? "SQLite" : "PostgreSQL"} | ${fmt(small)} | ${fmt(large)} | ${fmt(large / small, 2)} |`,
  );
}
console.log(
  `\nsim/image batches at zero model latency, batch created → completed, one fresh gateway per batch\n`,
);
console.log(`| backend | ${SMALL} items: items/s | ${LARGE} items: items/s | ${LARGE} ÷ ${SMALL} |`);
console.log("|---|---|---|---|");
for (const row of rows) console.log(row);
console.log("\nAcceptance: the large batch drains at least 0.90 as fast per item.");
