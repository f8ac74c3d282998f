/**
 * What gengate adds in front of Replicate: `concurrency` clients create predictions with
 * `Prefer: wait` against the fake Replicate (answering at once) directly, then through gengate
 * (its Replicate provider pointed at the same fake, outputs copied into its storage), in one run.
 * Reports the throughput ratio, the latency gengate adds (p50, p99) and the CPU gengate spends per
 * prediction (the figure that moves least with what else runs on the machine).
 * Run: node bench/gateway-overhead.ts [count=2000] [concurrency=32]
 */
import { startFakeReplicate } from "../test/fakes/replicate/index.ts";
import { BENCH_TOKEN } from "./support/gateway-process.ts";
import { startGengateFor } from "./support/replicate-pacing.ts";
import { cpuSecondsOf, fmt, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const WARM_UP = 200;
const MODEL = "fake-official/flux-schnell";
/** Limits far above the load, so that neither the fake nor gengate's pacing holds anything back. */
const UNLIMITED = 10_000_000;

interface Run {
  perSecond: number;
  latenciesMs: number[];
  /** CPU per prediction of the process `load` was given, in ms. */
  cpuMs: number;
}

/** `cpuPid`: the process whose CPU the timed predictions cost. */
async function load(baseUrl: string, token: string, cpuPid = process.pid): Promise<Run> {
  const create = async (i: number) => {
    const response = await fetch(`${baseUrl}/models/${MODEL}/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, prefer: "wait=60", "content-type": "application/json" },
      body: JSON.stringify({ input: { prompt: `overhead ${i}`, output_format: "png" } }),
    });
    // Replicate's sync mode answers once the output is ready, maybe a moment before "succeeded".
    const prediction = (await response.json()) as { status?: string; output?: unknown };
    if (response.status !== 201 || prediction.status === "failed" || !prediction.output)
      throw new Error(`${baseUrl} answered ${response.status} ${JSON.stringify(prediction)}`);
  };
  await runPool(WARM_UP, CONCURRENCY, create);
  const latenciesMs: number[] = [];
  const cpuBefore = await cpuSecondsOf(cpuPid);
  const started = performance.now();
  await runPool(COUNT, CONCURRENCY, async (i) => {
    const sent = performance.now();
    await create(i);
    latenciesMs.push(performance.now() - sent);
  });
  const perSecond = COUNT / ((performance.now() - started) / 1000);
  return { perSecond, latenciesMs, cpuMs: (((await cpuSecondsOf(cpuPid)) - cpuBefore) * 1000) / COUNT };
}

const fake = await startFakeReplicate({
  latencyMs: { min: 0, max: 0 },
  createsPerMinute: UNLIMITED,
  requestsPerMinute: UNLIMITED,
});
const gengate = await startGengateFor(fake, {
  REPLICATE_CREATES_PER_MINUTE: String(UNLIMITED),
  REPLICATE_REQUESTS_PER_MINUTE: String(UNLIMITED),
});
try {
  const direct = await load(fake.url, fake.token);
  const through = await load(`${gengate.url}/v1`, BENCH_TOKEN, gengate.pid);
  const added = (p: number) => percentile(through.latenciesMs, p) - percentile(direct.latenciesMs, p);
  console.log(
    `\n${COUNT} predictions, ${CONCURRENCY} clients, ${MODEL} on the fake Replicate at zero latency\n`,
  );
  console.log("| path | predictions/s | p50 ms | p99 ms |");
  console.log("|---|---|---|---|");
  for (const [name, run] of [
    ["fake Replicate directly", direct],
    ["through gengate", through],
  ] as const) {
    const p = (q: number) => fmt(percentile(run.latenciesMs, q), 1);
    console.log(`| ${name} | ${fmt(run.perSecond, 0)} | ${p(50)} | ${p(99)} |`);
  }
  console.log(`\nthroughput through gengate ÷ direct: ${fmt(through.perSecond / direct.perSecond, 2)}`);
  console.log(`added latency: p50 +${fmt(added(50), 1)} ms, p99 +${fmt(added(99), 1)} ms`);
  console.log(
    `CPU per prediction: gengate ${fmt(through.cpuMs, 2)} ms; this process (clients and the fake) directly ${fmt(direct.cpuMs, 2)} ms`,
  );
} finally {
  await gengate.stop();
  await fake.close();
}
