/**
 * How a long-lived gateway's CPU per prediction moves as it serves: one `gengate serve` on SQLite
 * (sim at zero latency, `Prefer: wait`), measured in consecutive windows of `per window`
 * predictions, each with V8's full (mark-compact) collections counted from `--trace-gc`. Shows
 * when the hot code reaches V8's top tier and the collections thin out (cpu-per-prediction.ts
 * measures cold and steady on this ground).
 * Run: node bench/cpu-windows.ts [windows=16] [per window=1000] [concurrency=32]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnServe } from "../test/support/serve-process.ts";
import { BENCH_TOKEN, createPrediction } from "./support/gateway-process.ts";
import { cpuSecondsOf, fmt, runPool } from "./support/stats.ts";

const WINDOWS = Number(process.argv[2] ?? 16);
const PER_WINDOW = Number(process.argv[3] ?? 1000);
const CONCURRENCY = Number(process.argv[4] ?? 32);
const INPUT = { width: 64, height: 64, output_format: "png" };

const dataDir = mkdtempSync(join(tmpdir(), "gengate-bench-windows-"));
const served = await spawnServe(
  { GENGATE_DATA_DIR: dataDir, GENGATE_ADMIN_TOKEN: BENCH_TOKEN, GENGATE_SIM_LATENCY: "0" },
  [],
  undefined,
  undefined,
  ["--trace-gc"],
);
let fullCollections = 0;
served.child.stdout?.on("data", (chunk: Buffer) => {
  fullCollections += chunk.toString().split("Mark-Compact").length - 1;
});
const pid = served.child.pid ?? 0;
let made = 0;
try {
  console.log(`\n${PER_WINDOW} sim predictions a window, ${CONCURRENCY} clients, one server on SQLite\n`);
  console.log("| predictions served before | CPU ms per prediction | predictions/s | full collections |");
  console.log("|---|---|---|---|");
  for (let window = 0; window < WINDOWS; window++) {
    const [cpuBefore, collectionsBefore, servedBefore] = [await cpuSecondsOf(pid), fullCollections, made];
    const started = performance.now();
    await runPool(PER_WINDOW, CONCURRENCY, async () => {
      const prediction = await createPrediction(
        served.url,
        "sim/image",
        { prompt: `w ${made++}`, ...INPUT },
        true,
      );
      if (prediction.status !== "succeeded")
        throw new Error(`prediction ${prediction.id} ${prediction.status}`);
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = (((await cpuSecondsOf(pid)) - cpuBefore) * 1000) / PER_WINDOW;
    console.log(
      `| ${servedBefore} | ${fmt(cpuMs, 2)} | ${fmt(PER_WINDOW / seconds, 0)} | ${fullCollections - collectionsBefore} |`,
    );
  }
} finally {
  served.child.kill("SIGTERM");
  await served.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
