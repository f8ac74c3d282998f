/**
 * The predictions list with 100,000 predictions in the database: a filtered, searched page of
 * `GET /v1/predictions` (status + model + a word of the prompt) from a real `gengate serve` over
 * HTTP, one request at a time, on SQLite and PostgreSQL side by side in one run.
 * The rows are written straight into the database (through the store's row format) before the
 * server starts, in transactions of many rows: the figure measured is the list, not the inserts.
 * Run: node bench/predictions-list.ts [requests] [rows]
 */
import { sql } from "kysely";
import { newId } from "../src/core/ids.ts";
import type { Prediction, PredictionState } from "../src/core/prediction.ts";
import { openDatabase } from "../src/store/database.ts";
import { predictionRow } from "../src/store/prediction-row.ts";
import {
  type Backend,
  BENCH_TOKEN,
  type BenchDatabase,
  startBenchGateway,
} from "./support/gateway-process.ts";
import { fmt, percentile } from "./support/stats.ts";

const REQUESTS = Number(process.argv[2] ?? 300);
const ROWS = Number(process.argv[3] ?? 100_000);
const WARMUP = 20;
const CHUNK = 500;
const DAY_MS = 86_400_000;

const WORDS =
  "red blue green golden misty quiet old new tiny giant castle harbour meadow forest river mountain city street garden portrait cat dog horse fox owl robot ship train bridge tower lantern candle window door market festival winter summer autumn spring night morning sunset storm rain snow watercolour oil sketch photo cinematic neon vintage".split(
    " ",
  );
/** The word searched: about one prompt in 60 holds it. */
const SEARCHED = "lighthouse";
const MODELS = ["sim/image", "sim/text", "gengate/flux-dev", "black-forest-labs/flux-schnell"];
const STATES: PredictionState[] = ["succeeded", "succeeded", "succeeded", "succeeded", "failed", "canceled"];
const QUERY = `status=succeeded&model=sim/image&q=${SEARCHED}`;

/** A deterministic pseudo-random sequence, so both backends hold the same rows. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function rowsOf(count: number): Prediction[] {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 6 }, () => pick(WORDS));
    if (next() < 1 / 60) words.splice(3, 0, SEARCHED);
    const createdAt = start + Math.floor((i / count) * 30 * DAY_MS);
    const state = pick(STATES);
    return {
      id: newId(),
      model: pick(MODELS),
      version: "bench",
      provider: "sim",
      providerModel: "image",
      input: { prompt: words.join(" "), width: 512, height: 512, seed: i },
      output: state === "succeeded" ? ["file:bench/out.png"] : null,
      logs: "",
      error: state === "failed" ? "bench failure" : null,
      state,
      upstreamPhase: null,
      operation: null,
      attempts: 1,
      webhook: null,
      webhookEventsFilter: null,
      tokenId: `tok${i % 5}`,
      createdAt,
      startedAt: createdAt + 100,
      completedAt: createdAt + 2_100,
      nextCheckAt: createdAt,
      deadlineAt: null,
      cancelRequestedAt: null,
      metrics: { predict_time: 2 },
      streaming: false,
      priority: 0,
    };
  });
}

async function fill(where: BenchDatabase, predictions: Prediction[]): Promise<number> {
  const started = performance.now();
  const database = await openDatabase(where);
  try {
    for (let i = 0; i < predictions.length; i += CHUNK * 20) {
      await database.db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(i + CHUNK * 20, predictions.length); j += CHUNK) {
          await trx
            .insertInto("predictions")
            .values(predictions.slice(j, j + CHUNK).map(predictionRow))
            .execute();
        }
      });
    }
    // The planner's statistics, as autovacuum would gather them soon after such a load.
    if (database.dialect === "postgres") await sql`analyze predictions`.execute(database.db);
  } finally {
    await database.close();
  }
  return (performance.now() - started) / 1000;
}

interface Result {
  backend: Backend;
  fillSeconds: number;
  results: number;
  samples: number[];
}

async function measure(backend: Backend, predictions: Prediction[]): Promise<Result> {
  let fillSeconds = 0;
  const gateway = await startBenchGateway(backend, {}, async (where) => {
    fillSeconds = await fill(where, predictions);
  });
  const samples: number[] = [];
  let results = 0;
  try {
    for (let i = 0; i < REQUESTS + WARMUP; i++) {
      const started = performance.now();
      const response = await fetch(`${gateway.url}/v1/predictions?${QUERY}`, {
        headers: { authorization: `Bearer ${BENCH_TOKEN}` },
      });
      const page = (await response.json()) as { results: unknown[] };
      if (response.status !== 200)
        throw new Error(`list answered ${response.status}: ${JSON.stringify(page)}`);
      if (i >= WARMUP) samples.push(performance.now() - started);
      results = page.results.length;
    }
  } finally {
    await gateway.stop();
  }
  return { backend, fillSeconds, results, samples };
}

const predictions = rowsOf(ROWS);
const expected = predictions.filter(
  (p) => p.state === "succeeded" && p.model === "sim/image" && String(p.input.prompt).includes(SEARCHED),
).length;
const results: Result[] = [];
for (const backend of ["sqlite", "postgres"] as const) results.push(await measure(backend, predictions));

console.log(`${ROWS.toLocaleString("en")} predictions; GET /v1/predictions?${QUERY}`);
console.log(`${expected} rows match; ${REQUESTS} sequential requests after ${WARMUP} warm-up\n`);
console.log("| backend | rows written/s | page size | p50 ms | p95 ms | p99 ms |");
console.log("|---|---|---|---|---|---|");
for (const { backend, fillSeconds, results: size, samples } of results) {
  const name = backend === "sqlite" ? "SQLite" : "PostgreSQL";
  const rate = Math.round(ROWS / fillSeconds).toLocaleString("en");
  console.log(
    `| ${name} | ${rate} | ${size} | ${fmt(percentile(samples, 50), 2)} | ${fmt(percentile(samples, 95), 2)} | ${fmt(percentile(samples, 99), 2)} |`,
  );
}
