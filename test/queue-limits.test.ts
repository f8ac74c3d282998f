/**
 * Limits hold across real worker processes on one PostgreSQL database: three workers together
 * keep one provider's start budget and its concurrency (no count-then-claim race between them).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";

const PER_MINUTE = 120;
const INTERVAL_MS = 60_000 / PER_MINUTE;
/** The simulator's own budget allows about a second's worth at once: 2 starts at 120 a minute. */
const BURST = 2;
const CONCURRENCY = 2;
/** A start is recorded a little after its token is taken (more so on a loaded machine). */
const JITTER_MS = 150;

interface Json {
  id: string;
  status: string;
  started_at: string;
  completed_at: string;
}

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

describe.skipIf(skip)("queue mode: limits shared by three workers", () => {
  const dir = mkdtempSync(join(tmpdir(), "gengate-queue-limits-"));
  let cluster: QueueCluster;
  let api: string;

  beforeAll(async () => {
    const config = join(dir, "gengate.config.json");
    const routing = { providers: { sim: { perMinute: PER_MINUTE, concurrency: CONCURRENCY } } };
    writeFileSync(config, JSON.stringify({ routing }));
    cluster = await startQueueCluster({ GENGATE_CONFIG: config });
    const [first] = await Promise.all([
      cluster.spawn("api"),
      cluster.spawn("worker"),
      cluster.spawn("worker"),
      cluster.spawn("worker"),
    ]);
    api = first.url;
  });

  afterAll(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("spaces the starts by one budget and runs no more than the concurrency at once", async () => {
    const count = 12;
    const ended = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const response = await fetch(`${api}/v1/models/sim/image/predictions`, {
          method: "POST",
          headers: { ...authed, "content-type": "application/json", prefer: "wait=60" },
          body: JSON.stringify({ input: { prompt: `p${i}`, width: 64, height: 64, latency_ms: 700 } }),
        });
        expect(response.status).toBe(201);
        return (await response.json()) as Json;
      }),
    );
    expect(ended.map((p) => p.status)).toEqual(Array(count).fill("succeeded"));
    const starts = ended.map((p) => Date.parse(p.started_at)).sort((a, b) => a - b);
    const first = starts[0] as number;
    for (const [k, at] of starts.entries()) {
      const tokensNeeded = Math.max(0, k - BURST + 1);
      expect(at - first, `start ${k}`).toBeGreaterThanOrEqual(tokensNeeded * INTERVAL_MS - JITTER_MS);
    }
    const edges = ended.flatMap((p) => [
      { at: Date.parse(p.started_at), step: 1 },
      { at: Date.parse(p.completed_at), step: -1 },
    ]);
    edges.sort((x, y) => x.at - y.at || x.step - y.step);
    let running = 0;
    let most = 0;
    for (const { step } of edges) {
      running += step;
      most = Math.max(most, running);
    }
    expect(most).toBeLessThanOrEqual(CONCURRENCY);
  });
});
