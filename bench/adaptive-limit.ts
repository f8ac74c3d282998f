/**
 * Learning a rate limit lower than configured: the fake Replicate holds the account's creates to
 * 60 a minute (bursts of 6, as Replicate lowers an account's limit, its 429s saying so) while
 * gengate is configured for Replicate's usual 600. Side by side in one run: gengate learning the
 * limit, and gengate configured with the real limit from the start (REPLICATE_CREATES_PER_MINUTE=60).
 * Run: node bench/adaptive-limit.ts [count=120] [minMs=2000] [maxMs=8000]
 */
import type { FakeReplicate } from "../test/fakes/replicate/index.ts";
import { startFakeReplicate } from "../test/fakes/replicate/index.ts";
import {
  type Outcome,
  outcomeOf,
  PACED_MODEL,
  pacingArgs,
  REQUESTS_PER_MINUTE,
  runThroughGengate,
  startGengateFor,
} from "./support/replicate-pacing.ts";
import { fmt } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 120);
const { latency: LATENCY } = pacingArgs(process.argv);
const LOWERED = { perMinute: 60, burst: 6 };

function startLoweredFake(): Promise<FakeReplicate> {
  return startFakeReplicate({
    latencyMs: LATENCY,
    requestsPerMinute: REQUESTS_PER_MINUTE,
    loweredCreates: LOWERED,
  });
}

async function throughGengate(env: Record<string, string>): Promise<Outcome> {
  const fake = await startLoweredFake();
  const gengate = await startGengateFor(fake, env);
  try {
    const { startedAt, endedAt } = await runThroughGengate(gengate, COUNT, (i) => ({
      prompt: `adaptive ${i}`,
      num_outputs: 1,
    }));
    const outcome = await outcomeOf(fake, COUNT, startedAt, endedAt, LOWERED);
    const prompts = fake.predictions().map((p) => p.input.prompt);
    if (new Set(prompts).size !== COUNT) throw new Error("a prediction was created upstream more than once");
    return outcome;
  } finally {
    await gengate.stop();
    await fake.close();
  }
}

const learning = await throughGengate({});
const told = await throughGengate({ REPLICATE_CREATES_PER_MINUTE: String(LOWERED.perMinute) });
const row = (name: string, o: Outcome) =>
  `| ${name} | ${fmt(o.makespanMs / 1000)} | ${fmt(o.boundMs / 1000)} | ${fmt(o.makespanMs / o.boundMs, 3)} | ${o.throttled} | ${fmt(o.createsPerPrediction, 3)} | ${fmt(o.apiRequestsPerPrediction, 3)} |`;
console.log(
  `\n${COUNT} predictions of ${PACED_MODEL}; the account's creates lowered to ${LOWERED.perMinute}/min (bursts of ${LOWERED.burst}); ${LATENCY.min}-${LATENCY.max} ms latency\n`,
);
console.log(
  "| gengate | makespan s | bound s | makespan / bound | 429 received | creates sent per prediction | upstream API requests per prediction |",
);
console.log("|---|---|---|---|---|---|---|");
console.log(row("configured for 600/min, learning the limit", learning));
console.log(row(`configured for the real ${LOWERED.perMinute}/min`, told));
