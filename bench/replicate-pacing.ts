/**
 * Calling Replicate at its rate limit: gengate versus the way people write it today (the official
 * client in a concurrency-8 loop that retries on 429), against the same fake Replicate (600
 * creates a minute, 2-8 s model latency), side by side in one run.
 * Run: node bench/replicate-pacing.ts [count=1200] [minMs=2000] [maxMs=8000] [naiveConcurrencies=8,64]
 */
import {
  CREATES_PER_MINUTE,
  type Outcome,
  outcomeOf,
  PACED_MODEL,
  pacingArgs,
  runNaiveScript,
  runThroughGengate,
  startGengateFor,
  startPacedFake,
} from "./support/replicate-pacing.ts";
import { fmt } from "./support/stats.ts";

const { count: COUNT, latency: LATENCY } = pacingArgs(process.argv);
const NAIVE_CONCURRENCIES = (process.argv[5] ?? "8,64").split(",").map(Number);
const MODEL = PACED_MODEL;
const input = (i: number) => ({ prompt: `pacing ${i}`, num_outputs: 1 });

async function throughGengate(): Promise<Outcome> {
  const fake = await startPacedFake(LATENCY);
  const gengate = await startGengateFor(fake);
  try {
    const { startedAt, endedAt } = await runThroughGengate(gengate, COUNT, input);
    return await outcomeOf(fake, COUNT, startedAt, endedAt);
  } finally {
    await gengate.stop();
    await fake.close();
  }
}

async function naiveLoop(concurrency: number): Promise<Outcome> {
  const fake = await startPacedFake(LATENCY);
  try {
    const startedAt = Date.now();
    await runNaiveScript(fake, { count: COUNT, concurrency, model: MODEL, input });
    return await outcomeOf(fake, COUNT, startedAt, Date.now());
  } finally {
    await fake.close();
  }
}

const gengate = await throughGengate();
const naive: [number, Outcome][] = [];
for (const concurrency of NAIVE_CONCURRENCIES) naive.push([concurrency, await naiveLoop(concurrency)]);
const row = (name: string, o: Outcome) =>
  `| ${name} | ${fmt(o.makespanMs / 1000)} | ${fmt(o.boundMs / 1000)} | ${fmt(o.makespanMs / o.boundMs, 3)} | ${o.throttled} | ${fmt(o.apiRequestsPerPrediction, 3)} |`;
console.log(
  `\n${COUNT} predictions of ${MODEL}, ${CREATES_PER_MINUTE} creates/min, ${LATENCY.min}-${LATENCY.max} ms latency\n`,
);
console.log(
  "| client | makespan s | bound s | makespan / bound | 429 received | upstream API requests per prediction |",
);
console.log("|---|---|---|---|---|---|");
console.log(row("gengate (webhooks reachable)", gengate));
for (const [concurrency, outcome] of naive) {
  console.log(row(`official client, concurrency ${concurrency}, retry on 429`, outcome));
}
