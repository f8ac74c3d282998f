/**
 * How a long-lived gateway's CPU per prediction moves as it serves: one `gengate serve` on SQLite
 * (sim at zero latency, `Prefer: wait`), measured in consecutive windows of `per window`
 * predictions, each with V8's full (mark-compact) collections counted from `--trace-gc`. Shows
 * when the hot code reaches V8's top tier and the collections thin out (cpu-per-prediction.ts
 * measures cold and steady on this ground).
 * Run: node bench/cpu-windows.ts [windows=16] [per window=1000] [concurrency=32]
 */
import { startBenchGateway } from "./support/gateway-process.ts";
import { simImageSucceeds } from "./support/sim-load.ts";
import { cpuSecondsOf, fmt, runPool } from "./support/stats.ts";

const WINDOWS = Number(process.argv[2] ?? 16);
const PER_WINDOW = Number(process.argv[3] ?? 1000);
const CONCURRENCY = Number(process.argv[4] ?? 32);

const served = await startBenchGateway("sqlite", { GENGATE_SIM_LATENCY: "0" }, undefined, undefined, [
  "--trace-gc",
]);
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
    await runPool(PER_WINDOW, CONCURRENCY, () => simImageSucceeds(served.url, `w ${made++}`));
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = (((await cpuSecondsOf(pid)) - cpuBefore) * 1000) / PER_WINDOW;
    console.log(
      `| ${servedBefore} | ${fmt(cpuMs, 2)} | ${fmt(PER_WINDOW / seconds, 0)} | ${fullCollections - collectionsBefore} |`,
    );
  }
} finally {
  await served.stop();
}
