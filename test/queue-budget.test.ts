/**
 * One provider's budget and circuit, global across real worker processes on PostgreSQL: with
 * three workers and a budget of 60 creates a minute the fake Replicate sees 60 ± 2 creates in each
 * minute; a circuit opened by one worker's failures stops the other workers sending too.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";
import { until } from "./support/until.ts";

const MODEL = "fake-official/flux-schnell";
const PER_MINUTE = 60;
/** Enough for two whole minutes of creates at the budget. */
const COUNT = 130;

interface Json {
  id: string;
  status: string;
  gengate?: { route: { target: string; outcome: string }[] };
}

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

/** A cluster over the fake Replicate with `config` as its configuration file. */
async function clusterWith(
  fake: FakeReplicate,
  config: object,
): Promise<{ cluster: QueueCluster; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "gengate-queue-budget-"));
  const file = join(dir, "gengate.config.json");
  writeFileSync(file, JSON.stringify(config));
  const cluster = await startQueueCluster({
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    GENGATE_CONFIG: file,
  });
  return { cluster, dir };
}

const upstreamCreates = (fake: FakeReplicate) =>
  fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/predictions"));

describe.skipIf(skip)("queue mode: a budget of 60 creates a minute kept by three workers", () => {
  let fake: FakeReplicate;
  let cluster: QueueCluster;
  let dir: string;
  let api: string;

  beforeAll(async () => {
    fake = await startFakeReplicate({ latencyMs: { min: 200, max: 500 } });
    ({ cluster, dir } = await clusterWith(fake, {
      routing: { providers: { replicate: { perMinute: PER_MINUTE } } },
    }));
    const [first] = await Promise.all([
      cluster.spawn("api"),
      cluster.spawn("worker"),
      cluster.spawn("worker"),
      cluster.spawn("worker"),
    ]);
    api = first.url;
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the upstream 60 ± 2 creates in each minute", async () => {
    await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => {
        const response = await fetch(`${api}/v1/models/${MODEL}/predictions`, {
          method: "POST",
          headers: { ...authed, "content-type": "application/json" },
          body: JSON.stringify({ input: { prompt: `budget ${i}` } }),
        });
        expect(response.status).toBe(201);
      }),
    );
    await until(() => (upstreamCreates(fake).length >= COUNT ? true : undefined), 200_000);
    const times = upstreamCreates(fake).map((r) => r.at);
    expect(times).toHaveLength(COUNT);
    const first = Math.min(...times);
    const minutes = [0, 1].map(
      (minute) =>
        times.filter((at) => at >= first + minute * 60_000 && at < first + (minute + 1) * 60_000).length,
    );
    console.log(`queue-budget: creates in each minute ${JSON.stringify(minutes)}`);
    for (const count of minutes) {
      expect(count).toBeGreaterThanOrEqual(PER_MINUTE - 2);
      expect(count).toBeLessThanOrEqual(PER_MINUTE + 2);
    }
    expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
  }, 240_000);
});

describe.skipIf(skip)("queue mode: a circuit opened by one worker's failures", () => {
  let fake: FakeReplicate;
  let cluster: QueueCluster;
  let dir: string;
  let api: string;

  beforeAll(async () => {
    fake = await startFakeReplicate({ latencyMs: { min: 50, max: 100 } });
    ({ cluster, dir } = await clusterWith(fake, {
      models: {
        flaky: {
          targets: [
            { provider: "replicate", model: MODEL },
            { provider: "sim", model: "sim/image" },
          ],
        },
      },
      routing: { circuitBreaker: { failures: 3, windowMs: 60_000, openMs: 300_000 } },
    }));
    api = (await cluster.spawn("api")).url;
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (prompt: string): Promise<Json> => {
    const response = await fetch(`${api}/v1/models/gengate/flaky/predictions`, {
      method: "POST",
      headers: { ...authed, "content-type": "application/json", prefer: "wait=30" },
      body: JSON.stringify({ input: { prompt } }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Json;
  };

  it("stops every other worker sending to the target too", async () => {
    const first = await cluster.spawn("worker");
    fake.faults.failRuns(MODEL, 3);
    for (let i = 0; i < 3; i++) {
      const ended = await run(`fails ${i}`);
      expect(ended.status).toBe("succeeded");
      expect(ended.gengate?.route.map((step) => step.outcome)).toEqual(["failed", "ran"]);
    }
    expect(upstreamCreates(fake)).toHaveLength(3);

    // The worker that saw the failures leaves; two that never saw one take over.
    await Promise.all([cluster.spawn("worker"), cluster.spawn("worker")]);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    for (let i = 0; i < 10; i++) {
      const ended = await run(`after ${i}`);
      expect(ended.status).toBe("succeeded");
      expect(ended.gengate?.route[0]).toMatchObject({ target: "flaky#0", outcome: "skipped" });
    }
    expect(upstreamCreates(fake)).toHaveLength(3);
  }, 120_000);
});
