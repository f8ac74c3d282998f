/**
 * What traces cost on the throughput path: predictions per second end to end through the API
 * (create with `Prefer: wait` → output stored, sim provider at zero latency), with tracing off
 * and on (OTEL_EXPORTER_OTLP_ENDPOINT set: a server span per request, dispatch, check, provider
 * call and storage spans per prediction, exported as protobuf to an OTLP receiver in this
 * process), side by side in one run, alternating, on SQLite and on PostgreSQL. Besides the rate,
 * the server process's CPU time per prediction, and the spans the receiver got.
 * Run: node bench/traces-overhead.ts [count=1000] [concurrency=32] [rounds=3, odd for a true median]
 */
import { startOtlpReceiver } from "../test/support/otlp-receiver.ts";
import { type Backend, startBenchGateway } from "./support/gateway-process.ts";
import { runSimLoad } from "./support/sim-load.ts";
import { fmt, percentile } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const ROUNDS = Number(process.argv[4] ?? 3);
const WARM_UP = 100;

interface Run {
  perSecond: number;
  /** The server's CPU time per prediction, exports included. */
  cpuMs: number;
  /** Spans received per prediction (warm-up included), when traced. */
  spansEach: number;
}

const receiver = await startOtlpReceiver();

async function measure(backend: Backend, traced: boolean): Promise<Run> {
  const spansBefore = receiver.spans.length;
  const gateway = await startBenchGateway(backend, {
    GENGATE_SIM_LATENCY: "0",
    OTEL_EXPORTER_OTLP_ENDPOINT: traced ? receiver.url : "",
  });
  let run: Omit<Run, "spansEach">;
  try {
    run = await runSimLoad(gateway, { count: COUNT, concurrency: CONCURRENCY, warmUp: WARM_UP });
  } finally {
    // A graceful stop sends the spans still batched.
    await gateway.stop();
  }
  return { ...run, spansEach: (receiver.spans.length - spansBefore) / (COUNT + WARM_UP) };
}

const rows: string[] = [];
for (const backend of ["sqlite", "postgres"] as const) {
  const off: Run[] = [];
  const on: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating, so that a machine getting busier or quieter weighs on both alike.
    off.push(await measure(backend, false));
    on.push(await measure(backend, true));
  }
  const median = (runs: Run[], field: keyof Run) =>
    percentile(
      runs.map((run) => run[field]),
      50,
    );
  const list = (runs: Run[], field: keyof Run, digits: number) =>
    runs.map((run) => fmt(run[field], digits)).join(", ");
  const name = backend === "sqlite" ? "SQLite" : "PostgreSQL";
  rows.push(
    `| ${name} | ${list(off, "perSecond", 1)} | ${list(on, "perSecond", 1)} | ${fmt(median(on, "perSecond") / median(off, "perSecond"), 3)} | ${list(off, "cpuMs", 2)} | ${list(on, "cpuMs", 2)} | ${fmt(median(on, "cpuMs") / median(off, "cpuMs"), 3)} | ${fmt(median(on, "spansEach"), 1)} |`,
  );
}
await receiver.close();
console.log(
  `\n${COUNT} predictions per run, ${CONCURRENCY} clients, sim/image 64x64 PNG, zero model latency, ${ROUNDS} rounds of off then on\n`,
);
console.log(
  "| backend | off, predictions/s | on, predictions/s | on / off (medians) | off, server CPU ms per prediction | on | on / off (medians) | spans per prediction |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
