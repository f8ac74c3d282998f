/**
 * What gengate adds in front of Replicate: `concurrency` clients create predictions with
 * `Prefer: wait` against the fake Replicate (answering at once) directly, then through gengate
 * (its Replicate provider pointed at the same fake, outputs copied into its storage), in one run.
 * Reports the throughput ratio, the latency gengate adds (p50, p99) and the CPU gengate spends per
 * prediction (the figure that moves least with what else runs on the machine).
 * A pass-through proxy (`support/pass-through-proxy.ts`) is measured the same way in each round:
 * what any process between the clients and the fake costs on this machine.
 * With another checkout's folder, its gengate is measured in the same run, each round alternating.
 * `warm-up`: predictions each gateway serves before the first round; 15000 measures gengate's steady
 * state (its hot code compiled by V8's top tier, see cpu-per-prediction.ts).
 * Run: node bench/gateway-overhead.ts [count=2000] [concurrency=32] [other checkout] [rounds=1] [warm-up=0]
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeReplicate } from "../test/fakes/replicate/index.ts";
import { spawnReady } from "./support/child-process.ts";
import { BENCH_TOKEN } from "./support/gateway-process.ts";
import { startGengateFor } from "./support/replicate-pacing.ts";
import { cpuSecondsOf, fmt, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
/** Another checkout (its folder) to measure in the same run, alternating with this one. */
const OTHER = process.argv[4];
const ROUNDS = Number(process.argv[5] ?? 1);
const GATEWAY_WARM_UP = Number(process.argv[6] ?? 0);
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

const creator = (baseUrl: string, token: string) => async (i: number) => {
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

/** `cpuPid`: the process whose CPU the timed predictions cost. */
async function load(baseUrl: string, token: string, cpuPid = process.pid): Promise<Run> {
  const create = creator(baseUrl, token);
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
const unlimited = {
  REPLICATE_CREATES_PER_MINUTE: String(UNLIMITED),
  REPLICATE_REQUESTS_PER_MINUTE: String(UNLIMITED),
};
const proxy = await spawnReady(fileURLToPath(new URL("./support/pass-through-proxy.ts", import.meta.url)), [
  fake.url,
]);
const proxyPid = proxy.child.pid ?? 0;
const gengates = [{ name: "this checkout", gengate: await startGengateFor(fake, unlimited) }];
if (OTHER) {
  const bin = resolve(OTHER, "bin/gengate.js");
  gengates.push({ name: OTHER, gengate: await startGengateFor(fake, unlimited, bin) });
}
const gateways = [
  { name: "pass-through proxy", url: `http://127.0.0.1:${proxy.detail}`, token: fake.token, pid: proxyPid },
  ...gengates.map(({ name, gengate }) => ({
    name,
    url: `${gengate.url}/v1`,
    token: BENCH_TOKEN,
    pid: gengate.pid,
  })),
];
try {
  for (const { url, token } of gateways) await runPool(GATEWAY_WARM_UP, CONCURRENCY, creator(url, token));
  console.log(
    `\n${COUNT} predictions, ${CONCURRENCY} clients, ${MODEL} on the fake Replicate at zero latency, each gateway after ${GATEWAY_WARM_UP + WARM_UP}\n`,
  );
  console.log(
    "| round | through | direct/s | through/s | ratio | direct p50 ms | through p50 ms | added p50 ms | added p99 ms | its CPU ms/prediction | clients and fake CPU ms/direct prediction |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (let round = 1; round <= ROUNDS; round++) {
    // Each gateway is measured right after its own direct run, so both see the same load.
    for (const { name, url, token, pid } of gateways) {
      const direct = await load(fake.url, fake.token);
      const through = await load(url, token, pid);
      const p = (run: Run, q: number) => percentile(run.latenciesMs, q);
      console.log(
        `| ${round} | ${name} | ${fmt(direct.perSecond, 0)} | ${fmt(through.perSecond, 0)} | ${fmt(through.perSecond / direct.perSecond, 2)} | ${fmt(p(direct, 50), 1)} | ${fmt(p(through, 50), 1)} | +${fmt(p(through, 50) - p(direct, 50), 1)} | +${fmt(p(through, 99) - p(direct, 99), 1)} | ${fmt(through.cpuMs, 2)} | ${fmt(direct.cpuMs, 2)} |`,
      );
    }
  }
  console.log(
    `\nThe clients' and the fake's CPU per direct prediction is about the fake's own cost. With closed-loop clients, p50 ≈ clients ÷ throughput: the added p50 follows the ratio.`,
  );
} finally {
  for (const { gengate } of gengates) await gengate.stop();
  await proxy.stop();
  await fake.close();
}
