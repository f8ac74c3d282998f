/**
 * Streaming overhead: the fake Replicate's streaming language model (`fake/llm`, tokens spread
 * evenly over a fixed run time) read with the official client's `stream()` directly from the fake
 * and through `gengate serve` pointed at it, side by side in one run. Each run's time to first
 * token and to last token is counted from the call, create included.
 * Run: node bench/stream-overhead.ts [count=200] [concurrency=8] [tokens=64] [runMs=1280]
 */
import Replicate from "replicate";
import { startFakeReplicate } from "../test/fakes/replicate/index.ts";
import { BENCH_TOKEN, startBenchGateway } from "./support/gateway-process.ts";
import { fmt, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 200);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const TOKENS = Number(process.argv[4] ?? 64);
const RUN_MS = Number(process.argv[5] ?? 1280);
const WARMUP = 2 * CONCURRENCY;
/** High enough that neither path ever waits for a rate limit. */
const PER_MINUTE = 100_000;

interface Samples {
  firstMs: number[];
  lastMs: number[];
}

/** `model` as each path takes it: the fake runs a community model by version only, as Replicate does. */
async function streamOnce(
  replicate: Replicate,
  model: `${string}/${string}`,
  i: number,
): Promise<{ firstMs: number; lastMs: number }> {
  const started = performance.now();
  let first: number | undefined;
  let last = started;
  let tokens = 0;
  const input = { prompt: `stream overhead ${i}`, max_tokens: TOKENS };
  for await (const event of replicate.stream(model, { input })) {
    if (event.event !== "output") continue;
    last = performance.now();
    first ??= last;
    tokens++;
  }
  if (first === undefined || tokens !== TOKENS) throw new Error(`run ${i}: ${tokens} of ${TOKENS} tokens`);
  return { firstMs: first - started, lastMs: last - started };
}

async function measure(replicate: Replicate, model: `${string}/${string}`): Promise<Samples> {
  const samples: Samples = { firstMs: [], lastMs: [] };
  await runPool(WARMUP + COUNT, CONCURRENCY, async (i) => {
    const { firstMs, lastMs } = await streamOnce(replicate, model, i);
    if (i < WARMUP) return;
    samples.firstMs.push(firstMs);
    samples.lastMs.push(lastMs);
  });
  return samples;
}

const fake = await startFakeReplicate({
  latencyMs: { min: RUN_MS, max: RUN_MS },
  createsPerMinute: PER_MINUTE,
  requestsPerMinute: PER_MINUTE,
});
const gateway = await startBenchGateway("sqlite", {
  REPLICATE_API_TOKEN: fake.token,
  REPLICATE_BASE_URL: fake.url,
  REPLICATE_CREATES_PER_MINUTE: String(PER_MINUTE),
  REPLICATE_REQUESTS_PER_MINUTE: String(PER_MINUTE),
});
let direct: Samples;
let viaGateway: Samples;
try {
  const upstream = new Replicate({ auth: fake.token, baseUrl: fake.url });
  const version = (await upstream.models.get("fake", "llm")).latest_version?.id;
  if (!version) throw new Error("fake/llm has no version");
  direct = await measure(upstream, `fake/llm:${version}`);
  viaGateway = await measure(new Replicate({ auth: BENCH_TOKEN, baseUrl: `${gateway.url}/v1` }), "fake/llm");
} finally {
  await gateway.stop();
  await fake.close();
}

const columns: Array<[keyof Samples, number]> = [
  ["firstMs", 50],
  ["firstMs", 99],
  ["lastMs", 50],
  ["lastMs", 99],
];
const row = (name: string, value: (kind: keyof Samples, at: number) => number, digits = 1) =>
  `| ${name} | ${columns.map(([kind, at]) => fmt(value(kind, at), digits)).join(" | ")} |`;

console.log(
  `\n${COUNT} streams of fake/llm (${TOKENS} tokens over ${RUN_MS} ms), ${CONCURRENCY} at a time, official client stream(), ms\n`,
);
console.log("| path | first token p50 | first token p99 | last token p50 | last token p99 |");
console.log("|---|---|---|---|---|");
console.log(row("fake Replicate, direct", (kind, at) => percentile(direct[kind], at)));
console.log(row("through gengate (SQLite)", (kind, at) => percentile(viaGateway[kind], at)));
console.log(
  row("added by gengate", (kind, at) => percentile(viaGateway[kind], at) - percentile(direct[kind], at)),
);
console.log(
  row("gengate / direct", (kind, at) => percentile(viaGateway[kind], at) / percentile(direct[kind], at), 3),
);
