/**
 * Calling Replicate at its rate limit: gengate versus the way people write it today (the official
 * client in a concurrency-8 loop that retries on 429), against the same fake Replicate (600
 * creates a minute, 2-8 s model latency), side by side in one run.
 * Run: node bench/replicate-pacing.ts [count=1200] [minMs=2000] [maxMs=8000] [naiveConcurrencies=8,64]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Replicate from "replicate";
import { type FakeReplicate, startFakeReplicate } from "../test/fakes/replicate/index.ts";
import { freePort } from "../test/support/free-port.ts";
import { spawnServe } from "../test/support/serve-process.ts";
import { startWebhookReceiver } from "../test/support/webhook-receiver.ts";
import { BENCH_TOKEN } from "./support/gateway-process.ts";
import { fmt, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 1200);
const LATENCY = { min: Number(process.argv[3] ?? 2000), max: Number(process.argv[4] ?? 8000) };
const NAIVE_CONCURRENCIES = (process.argv[5] ?? "8,64").split(",").map(Number);
const CREATES_PER_MINUTE = 600;
const BURST = CREATES_PER_MINUTE / 10;
const MODEL = "fake-official/flux-schnell";
const input = (i: number) => ({ prompt: `pacing ${i}`, num_outputs: 1 });

interface Outcome {
  makespanMs: number;
  boundMs: number;
  throttled: number;
  apiRequestsPerPrediction: number;
}

/** The bound: every create at the rate limit, plus the latency of the last one created. */
async function outcome(fake: FakeReplicate, startedAt: number, endedAt: number): Promise<Outcome> {
  // a waited create may answer with complete outputs a moment before the fake records the end
  await new Promise((resolve) => setTimeout(resolve, 500));
  const created = fake.predictions().filter((p) => p.kind === "prediction");
  if (created.length !== COUNT)
    throw new Error(`expected ${COUNT} upstream predictions, found ${created.length}`);
  const last = created.at(-1);
  if (!last?.completedAt) throw new Error("the last upstream prediction has not ended");
  return {
    makespanMs: endedAt - startedAt,
    boundMs: (COUNT / CREATES_PER_MINUTE) * 60_000 + (last.completedAt - last.createdAt),
    throttled: fake.requests.filter((r) => r.status === 429).length,
    apiRequestsPerPrediction: fake.requests.length / COUNT,
  };
}

const startFake = () =>
  startFakeReplicate({
    latencyMs: LATENCY,
    createsPerMinute: CREATES_PER_MINUTE,
    burst: BURST,
    requestsPerMinute: 3000,
  });

async function throughGengate(): Promise<Outcome> {
  const fake = await startFake();
  const receiver = await startWebhookReceiver();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-pacing-"));
  const gengate = await spawnServe(
    {
      GENGATE_DATA_DIR: dataDir,
      GENGATE_ADMIN_TOKEN: BENCH_TOKEN,
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.url,
    },
    ["--port", String(port), "--public-url", publicUrl],
  );
  try {
    const startedAt = Date.now();
    await runPool(COUNT, 32, async (i) => {
      const response = await fetch(`${gengate.url}/v1/models/${MODEL}/predictions`, {
        method: "POST",
        headers: { authorization: `Bearer ${BENCH_TOKEN}` },
        body: JSON.stringify({
          input: input(i),
          webhook: receiver.url,
          webhook_events_filter: ["completed"],
        }),
      });
      if (response.status !== 201)
        throw new Error(`gengate answered ${response.status}: ${await response.text()}`);
    });
    await receiver.waitFor(COUNT, 30 * 60_000);
    const failed = receiver.received.filter(
      (d) => (JSON.parse(d.body) as { status: string }).status !== "succeeded",
    );
    if (failed.length > 0) throw new Error(`${failed.length} predictions did not succeed through gengate`);
    return await outcome(fake, startedAt, Date.now());
  } finally {
    gengate.child.kill("SIGTERM");
    await gengate.exited;
    await receiver.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function naiveLoop(concurrency: number): Promise<Outcome> {
  const fake = await startFake();
  const replicate = new Replicate({ auth: fake.token, baseUrl: fake.url });
  try {
    const startedAt = Date.now();
    await runPool(COUNT, concurrency, async (i) => {
      for (;;) {
        try {
          await replicate.run(MODEL, { input: input(i) });
          return;
        } catch (error) {
          if (!String(error).includes("status 429")) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    });
    return await outcome(fake, startedAt, Date.now());
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
