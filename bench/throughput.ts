/**
 * Predictions per second end to end through the API (create with `Prefer: wait` → output stored),
 * sim provider at zero latency, SQLite and PostgreSQL side by side in one run.
 * Run: node bench/throughput.ts [count] [concurrency]
 */
import { type Backend, createPrediction, startBenchGateway } from "./support/gateway-process.ts";
import { fmt, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const INPUT = { width: 64, height: 64, output_format: "png" };

async function measure(backend: Backend): Promise<number> {
  const gateway = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" });
  try {
    await runPool(100, CONCURRENCY, (i) =>
      createPrediction(gateway.url, "sim/image", { prompt: `warm ${i}`, ...INPUT }, true).then(() => {}),
    );
    let failed = 0;
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
    if (failed > 0) throw new Error(`${failed} predictions did not succeed on ${backend}`);
    return COUNT / seconds;
  } finally {
    await gateway.stop();
  }
}

const sqlite = await measure("sqlite");
const postgres = await measure("postgres");
console.log(`\n${COUNT} predictions, ${CONCURRENCY} clients, sim/image 64x64 PNG, zero model latency\n`);
console.log("| backend | predictions/s |");
console.log("|---|---|");
console.log(`| SQLite | ${fmt(sqlite)} |`);
console.log(`| PostgreSQL | ${fmt(postgres)} |`);
console.log(`\nPostgreSQL / SQLite: ${fmt(postgres / sqlite, 2)}`);
