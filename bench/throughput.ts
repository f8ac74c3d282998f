/**
 * Predictions per second end to end through the API (create with `Prefer: wait` → output stored),
 * sim provider at zero latency, SQLite and PostgreSQL side by side in one run.
 * Run: node bench/throughput.ts [count] [concurrency]
 */
import { type Backend, startBenchGateway } from "./support/gateway-process.ts";
import { runSimLoad } from "./support/sim-load.ts";
import { fmt } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);

async function measure(backend: Backend): Promise<number> {
  const gateway = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" });
  try {
    return (await runSimLoad(gateway, { count: COUNT, concurrency: CONCURRENCY, warmUp: 100 })).perSecond;
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
