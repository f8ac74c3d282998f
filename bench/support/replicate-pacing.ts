/**
 * What the benchmarks against the fake Replicate share: the fake as the issue describes Replicate's
 * limits, gengate serving it, "the naive script" (the official client in a loop of N workers that
 * retries on 429) and the bound on the makespan.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Replicate from "replicate";
import { type FakeReplicate, startFakeReplicate } from "../../test/fakes/replicate/index.ts";
import { freePort } from "../../test/support/free-port.ts";
import { spawnServe } from "../../test/support/serve-process.ts";
import { startWebhookReceiver } from "../../test/support/webhook-receiver.ts";
import { BENCH_TOKEN } from "./gateway-process.ts";
import { runPool } from "./stats.ts";

export const CREATES_PER_MINUTE = 600;
/** Replicate allows short bursts: a tenth of a minute's creates. */
export const BURST = CREATES_PER_MINUTE / 10;
export const REQUESTS_PER_MINUTE = 3000;

/** The model both benchmarks run: the fake's official flux-schnell. */
export const PACED_MODEL = "fake-official/flux-schnell";

/** `[count=1200] [minMs=2000] [maxMs=8000]` from the command line. */
export function pacingArgs(argv: readonly string[]): { count: number; latency: Latency } {
  return {
    count: Number(argv[2] ?? 1200),
    latency: { min: Number(argv[3] ?? 2000), max: Number(argv[4] ?? 8000) },
  };
}

export interface Latency {
  min: number;
  max: number;
}

/** A fresh fake Replicate with the limits: 600 creates a minute (bursts of 60). */
export function startPacedFake(latency: Latency): Promise<FakeReplicate> {
  return startFakeReplicate({
    latencyMs: latency,
    createsPerMinute: CREATES_PER_MINUTE,
    burst: BURST,
    requestsPerMinute: REQUESTS_PER_MINUTE,
  });
}

export interface Outcome {
  makespanMs: number;
  /**
   * The fastest any client could finish: the fake's burst spent at once, every other create at the
   * rate limit, plus the latency of the last one created.
   */
  boundMs: number;
  /** 429 answers the fake gave. */
  throttled: number;
  /** Every upstream API request (output downloads are not API requests) per prediction. */
  apiRequestsPerPrediction: number;
  /** Prediction creates sent upstream (answered or not) per prediction. */
  createsPerPrediction: number;
}

/**
 * The outcome of `count` predictions on `fake` that took from `startedAt` to `endedAt`, under the
 * fake's create limit (default the issue's).
 */
export async function outcomeOf(
  fake: FakeReplicate,
  count: number,
  startedAt: number,
  endedAt: number,
  limit: { perMinute: number; burst: number } = { perMinute: CREATES_PER_MINUTE, burst: BURST },
): Promise<Outcome> {
  // a waited create may answer with complete outputs a moment before the fake records the end
  await new Promise((resolve) => setTimeout(resolve, 500));
  const created = fake.predictions().filter((p) => p.kind === "prediction");
  if (created.length !== count)
    throw new Error(`expected ${count} upstream predictions, found ${created.length}`);
  const last = created.at(-1);
  if (!last?.completedAt) throw new Error("the last upstream prediction has not ended");
  const creates = fake.requests.filter((r) => r.method === "POST" && /\/predictions$/.test(r.path));
  return {
    makespanMs: endedAt - startedAt,
    boundMs:
      (Math.max(0, count - limit.burst) / limit.perMinute) * 60_000 + (last.completedAt - last.createdAt),
    throttled: fake.requests.filter((r) => r.status === 429).length,
    apiRequestsPerPrediction: fake.requests.length / count,
    createsPerPrediction: creates.length / count,
  };
}

export interface GengateForFake {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `gengate serve` in a child process using `fake` as its Replicate, its webhooks reachable
 * (PUBLIC_URL set); `env` adds to its environment; `bin`: another checkout's `bin/gengate.js`.
 */
export async function startGengateFor(
  fake: FakeReplicate,
  env: Record<string, string> = {},
  bin?: string,
): Promise<GengateForFake> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-pacing-"));
  const gengate = await spawnServe(
    {
      GENGATE_DATA_DIR: dataDir,
      GENGATE_ADMIN_TOKEN: BENCH_TOKEN,
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.url,
      // its webhooks go to a receiver on loopback
      GENGATE_ALLOW_PRIVATE_URLS: "1",
      ...env,
    },
    ["--port", String(port), "--public-url", publicUrl],
    undefined,
    bin,
  );
  return {
    url: gengate.url,
    pid: gengate.child.pid ?? 0,
    async stop() {
      gengate.child.kill("SIGTERM");
      await gengate.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates `count` predictions of PACED_MODEL through `gengate`, 32 clients at once, each with a
 * "completed" webhook, and waits until every one has succeeded; the wall time from the first create.
 */
export async function runThroughGengate(
  gengate: GengateForFake,
  count: number,
  input: (i: number) => Record<string, unknown>,
): Promise<{ startedAt: number; endedAt: number }> {
  const receiver = await startWebhookReceiver();
  try {
    const startedAt = Date.now();
    await runPool(count, 32, async (i) => {
      const response = await fetch(`${gengate.url}/v1/models/${PACED_MODEL}/predictions`, {
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
    await receiver.waitFor(count, 30 * 60_000);
    const endedAt = Date.now();
    const failed = receiver.received.filter(
      (d) => (JSON.parse(d.body) as { status: string }).status !== "succeeded",
    );
    if (failed.length > 0) throw new Error(`${failed.length} predictions did not succeed through gengate`);
    return { startedAt, endedAt };
  } finally {
    await receiver.close();
  }
}

export interface NaiveScript {
  count: number;
  concurrency: number;
  model: `${string}/${string}`;
  input: (i: number) => Record<string, unknown>;
  /** What the script does with a prediction's output once `run` returned it (e.g. save it). */
  onOutput?: (i: number, output: unknown) => Promise<void>;
}

/**
 * The naive script of the issue: the official client's `run()` in `concurrency` workers, each
 * retrying a prediction one second after a 429.
 */
export async function runNaiveScript(fake: FakeReplicate, script: NaiveScript): Promise<void> {
  const replicate = new Replicate({ auth: fake.token, baseUrl: fake.url });
  await runPool(script.count, script.concurrency, async (i) => {
    for (;;) {
      try {
        const output = await replicate.run(script.model, { input: script.input(i) });
        await script.onOutput?.(i, output);
        return;
      } catch (error) {
        if (!String(error).includes("status 429")) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  });
}
