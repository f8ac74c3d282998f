/**
 * A big batch drains as fast per item as a small one: a 1,000-item and a 10,000-item batch of
 * sim/image at zero model latency, each on a fresh gateway, timed from the POST to the batch's
 * `done` event, SQLite and PostgreSQL side by side in one run.
 * Run: node bench/batch-size.ts [small=1000] [large=10000]
 */
import type { BatchJson } from "../src/core/batch-json.ts";
import { readSse } from "../test/support/sse.ts";
import { type Backend, BENCH_TOKEN, startBenchGateway } from "./support/gateway-process.ts";
import { fmt } from "./support/stats.ts";

const SMALL = Number(process.argv[2] ?? 1000);
const LARGE = Number(process.argv[3] ?? 10_000);
const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };

/** Items drained per second by a batch of `count` items on a fresh gateway. */
async function drainRate(backend: Backend, count: number): Promise<number> {
  const gateway = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" });
  try {
    const started = performance.now();
    const response = await fetch(`${gateway.url}/v1/batches`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({
        model: "sim/image",
        input: { width: 64, height: 64, output_format: "png" },
        items: Array.from({ length: count }, (_, i) => ({ input: { prompt: `batch size ${i}` } })),
      }),
    });
    if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
    const batch = (await response.json()) as BatchJson;
    const events = await fetch(batch.urls.events, { headers: AUTH });
    const read = await readSse(events, (event) => event.event === "done");
    const seconds = (performance.now() - started) / 1000;
    const done = read.at(-1);
    if (done?.event !== "done") throw new Error("the batch's event stream ended before done");
    const ended = JSON.parse(done.data) as BatchJson;
    if (ended.counts.succeeded !== count)
      throw new Error(`${backend}: ${ended.counts.succeeded} of ${count} items succeeded`);
    return count / seconds;
  } finally {
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
console.log(`\nsim/image batches at zero model latency, POST to done, one fresh gateway per batch\n`);
console.log(`| backend | ${SMALL} items: items/s | ${LARGE} items: items/s | ${LARGE} ÷ ${SMALL} |`);
console.log("|---|---|---|---|");
for (const row of rows) console.log(row);
console.log("\nAcceptance: the large batch drains at least 0.90 as fast per item.");
