/**
 * JavaScript heap in use, after a forced garbage collection, idle and with 10,000 queued
 * predictions: what the queue itself keeps in memory (RSS also holds V8's high-water mark).
 * Run: node --expose-gc bench/queued-heap.ts [count]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { startServer } from "../src/server.ts";
import { BENCH_TOKEN } from "./support/gateway-process.ts";
import { fmt, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const dataDir = mkdtempSync(join(tmpdir(), "gengate-bench-heap-"));
const config = loadConfig({
  GENGATE_DATA_DIR: dataDir,
  PORT: "0",
  LOG_LEVEL: "warn",
  GENGATE_ADMIN_TOKEN: BENCH_TOKEN,
});
const server = await startServer(config, { GENGATE_SIM_CONCURRENCY: "1", GENGATE_SIM_LATENCY: "3600000" });
try {
  const idle = heapAfterGc();
  await runPool(COUNT, 32, async (i) => {
    const response = await fetch(`${server.url}/v1/models/sim/image/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${BENCH_TOKEN}` },
      body: JSON.stringify({ input: { prompt: `queued ${i}` } }),
    });
    await response.arrayBuffer();
  });
  const loaded = heapAfterGc();
  const counts = await server.store.predictions.countByState();
  console.log(`\nJavaScript heap used after GC, MiB (server and load in one process)\n`);
  console.log("| state | heap used |");
  console.log("|---|---|");
  console.log(`| idle | ${fmt(idle)} |`);
  console.log(`| ${counts.queued} queued, ${counts.running} running | ${fmt(loaded)} |`);
  console.log(`\nper queued prediction: ${fmt(((loaded - idle) * 2 ** 20) / COUNT, 0)} bytes`);
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
