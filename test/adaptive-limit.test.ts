/**
 * Learning the rate limit Replicate really allows: the fake Replicate holds creates to a lowered
 * limit (2 a second, bursts of 2) while gengate is configured for ten times more. gengate probes
 * with one create, spends what the answers say is left, learns the limit from the first 429 and
 * keeps to it: at most 3 429s, each prediction created upstream once, and a makespan close to the
 * bound the real limit sets, in one process. Processes share what they learn through PostgreSQL
 * (the shared limits repository's tests); end to end with two worker processes on a busy machine
 * their creates arrive bunched and draw more 429s (13 on CI's loaded run), an open item.
 */
import { describe, expect, it } from "vitest";
import type { FakeReplicate, FakeReplicateOptions } from "./fakes/replicate/index.ts";
import { startFakeReplicate } from "./fakes/replicate/index.ts";
import { freePort } from "./support/free-port.ts";
import { startGateway, TEST_TOKEN } from "./support/gateway.ts";
import { until } from "./support/until.ts";

const COUNT = 16;
const LOWERED = { perMinute: 120, burst: 2 };
const RUN_MS = 300;
const FAKE: FakeReplicateOptions = { latencyMs: { min: RUN_MS, max: RUN_MS }, loweredCreates: LOWERED };
/** gengate believes the account allows ten times the lowered limit. */
const CONFIGURED = { REPLICATE_CREATES_PER_MINUTE: String(LOWERED.perMinute * 10) };
const MODEL = "fake-official/flux-schnell";
/** The fastest any client could go: the burst at once, then one create every 500 ms, then the last run. */
const BOUND_MS = ((COUNT - LOWERED.burst) / LOWERED.perMinute) * 60_000 + RUN_MS;

/** Sends COUNT predictions to `urls` in turn and waits until each has succeeded; returns the makespan. */
async function runAll(urls: string[]): Promise<number> {
  const started = Date.now();
  const ids = await Promise.all(
    Array.from({ length: COUNT }, async (_, i) => {
      const response = await fetch(`${urls[i % urls.length]}/v1/models/${MODEL}/predictions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ input: { prompt: `learn ${i}` } }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    }),
  );
  for (const id of ids) {
    const ended = await until(async () => {
      const response = await fetch(`${urls[0]}/v1/predictions/${id}`, {
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
      });
      const { status, error } = (await response.json()) as { status: string; error: string | null };
      return status === "starting" || status === "processing" ? undefined : { status, error };
    }, 60_000);
    expect(ended).toEqual({ status: "succeeded", error: null });
  }
  return Date.now() - started;
}

function expectLearned(fake: FakeReplicate, makespanMs: number): void {
  const throttled = fake.requests.filter((r) => r.status === 429);
  expect(throttled.length).toBeLessThanOrEqual(3);
  const created = fake.predictions().map((p) => p.input.prompt);
  expect(created).toHaveLength(COUNT);
  expect(new Set(created).size).toBe(COUNT);
  // A small run has little room: within 15% of the bound, plus the 1 s Retry-After of the one 429
  // (the benchmark holds 120 predictions to 5%).
  expect(makespanMs).toBeLessThan(BOUND_MS * 1.15 + 1_000);
}

describe("learning a limit lower than configured", () => {
  it("in one process: at most 3 429s, each created once, close to the real limit's bound", async () => {
    const fake = await startFakeReplicate(FAKE);
    const port = await freePort();
    const gateway = await startGateway({
      ...CONFIGURED,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.url,
    });
    try {
      expectLearned(fake, await runAll([gateway.url]));
    } finally {
      await gateway.close();
      await fake.close();
    }
  }, 60_000);
});
