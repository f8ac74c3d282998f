/**
 * A batch's makespan: N prompts submitted to gengate as one batch (POST /v1/batches) versus the
 * naive script of the Replicate issue (the official client in a loop of 8 workers that retries on
 * 429), each against a fresh fake Replicate (600 creates a minute, 2-8 s model latency), side by
 * side in one run. Both end when every output is saved to a file: gengate's under its templated
 * name as the batch's events report items done, the script's as each `run()` returns.
 * Run: node bench/batch-makespan.ts [count=1200] [minMs=2000] [maxMs=8000] [naiveConcurrency=8]
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BatchItemJson, BatchJson } from "../src/core/batch-json.ts";
import { readSse } from "../test/support/sse.ts";
import { BENCH_TOKEN } from "./support/gateway-process.ts";
import {
  CREATES_PER_MINUTE,
  type Outcome,
  outcomeOf,
  PACED_MODEL,
  pacingArgs,
  runNaiveScript,
  startGengateFor,
  startPacedFake,
} from "./support/replicate-pacing.ts";
import { fmt } from "./support/stats.ts";

const { count: COUNT, latency: LATENCY } = pacingArgs(process.argv);
const NAIVE_CONCURRENCY = Number(process.argv[5] ?? 8);
const MODEL = PACED_MODEL;
const TEMPLATE = "{index:4}_{slug}.{ext}";
const prompt = (i: number) => `batch makespan ${i}`;

/** Saves `url` as `path`. */
async function download(url: string, path: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`downloading ${url} answered ${response.status}`);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
}

/** Checks `dir` holds `count` files and removes it. */
function checkAndRemove(dir: string, count: number, who: string): void {
  const files = readdirSync(dir).length;
  rmSync(dir, { recursive: true, force: true });
  if (files !== count) throw new Error(`${who}: expected ${count} files, found ${files}`);
}

async function throughGengateBatch(): Promise<Outcome> {
  const fake = await startPacedFake(LATENCY);
  const gengate = await startGengateFor(fake);
  const dir = mkdtempSync(join(tmpdir(), "gengate-batch-out-"));
  const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
  try {
    const startedAt = Date.now();
    const response = await fetch(`${gengate.url}/v1/batches`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        input: { num_outputs: 1 },
        name_template: TEMPLATE,
        items: Array.from({ length: COUNT }, (_, i) => ({ input: { prompt: prompt(i) } })),
      }),
    });
    if (response.status !== 201)
      throw new Error(`gengate answered ${response.status}: ${await response.text()}`);
    const batch = (await response.json()) as BatchJson;

    // Each item's files are saved as soon as its event says it is done.
    const seen = new Set<string>();
    const downloads: Promise<void>[] = [];
    const errors: unknown[] = [];
    let failed = 0;
    const events = await fetch(batch.urls.events, { headers: auth });
    const read = await readSse(events, (event) => {
      if (event.event === "item") {
        const item = JSON.parse(event.data) as BatchItemJson;
        const key = `${item.index}:${item.prediction_id}`;
        if (!seen.has(key)) {
          seen.add(key);
          if (item.status !== "succeeded") failed++;
          for (const output of item.outputs)
            downloads.push(download(output.url, join(dir, output.name)).catch((e) => void errors.push(e)));
        }
      }
      return event.event === "done";
    });
    await Promise.all(downloads);
    const endedAt = Date.now();
    if (read.at(-1)?.event !== "done") throw new Error("the batch's event stream ended before done");
    if (errors.length > 0) throw new Error(`${errors.length} downloads failed`, { cause: errors[0] });
    if (failed > 0) throw new Error(`${failed} items did not succeed through gengate`);
    checkAndRemove(dir, COUNT, "gengate");
    return await outcomeOf(fake, COUNT, startedAt, endedAt);
  } finally {
    await gengate.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function naiveScript(): Promise<Outcome> {
  const fake = await startPacedFake(LATENCY);
  const dir = mkdtempSync(join(tmpdir(), "naive-batch-out-"));
  try {
    const startedAt = Date.now();
    await runNaiveScript(fake, {
      count: COUNT,
      concurrency: NAIVE_CONCURRENCY,
      model: MODEL,
      input: (i) => ({ prompt: prompt(i), num_outputs: 1 }),
      // the output's URL (the client makes https: ones FileOutputs; the fake's are http:), saved
      // under the script's own name for it
      onOutput: async (i, output) => {
        const [file] = output as (string | { url(): URL })[];
        if (file === undefined) throw new Error(`prediction ${i} has no output`);
        const url = typeof file === "string" ? file : String(file.url());
        await download(url, join(dir, `${String(i + 1).padStart(4, "0")}.webp`));
      },
    });
    const endedAt = Date.now();
    checkAndRemove(dir, COUNT, "naive script");
    return await outcomeOf(fake, COUNT, startedAt, endedAt);
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const gengate = await throughGengateBatch();
const naive = await naiveScript();
const row = (name: string, o: Outcome) =>
  `| ${name} | ${fmt(o.makespanMs / 1000)} | ${fmt(o.boundMs / 1000)} | ${fmt(o.makespanMs / o.boundMs, 3)} | ${o.throttled} | ${fmt(o.createsPerPrediction, 3)} | ${fmt(o.apiRequestsPerPrediction, 3)} |`;
console.log(
  `\n${COUNT} prompts of ${MODEL}, ${CREATES_PER_MINUTE} creates/min, ${LATENCY.min}-${LATENCY.max} ms latency, every output saved to a file\n`,
);
console.log(
  "| client | makespan s | bound s | makespan / bound | 429 received | upstream creates per item | upstream API requests per item |",
);
console.log("|---|---|---|---|---|---|---|");
console.log(row("gengate, one batch (webhooks reachable)", gengate));
console.log(row(`naive script: official client, concurrency ${NAIVE_CONCURRENCY}, retry on 429`, naive));
console.log(
  `\nmakespan gengate / naive script: ${fmt(gengate.makespanMs / naive.makespanMs, 3)} (naive is ${fmt(naive.makespanMs / gengate.makespanMs, 2)}x slower)`,
);
