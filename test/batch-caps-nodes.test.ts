/**
 * A batch's concurrency holds across worker processes even when its items run at different
 * providers: two workers claiming for two providers at once never start more of one batch than
 * its cap. The moment of the race is made certain, not hoped for: the test holds the simulator's
 * start budget row, so the first worker waits there after counting the batch's running items.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/gateway.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { type EngineNodes, startEngineNodes } from "./support/engine-nodes.ts";
import { until } from "./support/until.ts";

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;
const SMALL = { width: 64, height: 64 };

let cluster: EngineNodes | undefined;
let fake: FakeReplicate | undefined;
afterEach(async () => {
  await cluster?.close();
  await fake?.close();
});

describe.skipIf(skip)("batch caps, across two workers claiming for two providers", () => {
  it("start one item of a batch of concurrency 1, not one per worker", async () => {
    fake = await startFakeReplicate();
    const replicate = {
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.url,
      REPLICATE_WAIT_SECONDS: "0",
    };
    // The second worker has room for one simulator run only, which another prediction takes:
    // it passes the simulator by and claims at Replicate while the first claims at the simulator.
    cluster = await startEngineNodes(2, (i) => ({
      ...replicate,
      GENGATE_SIM_CONCURRENCY: i === 0 ? "4" : "1",
    }));
    const [first, second] = cluster.nodes as [Gateway, Gateway];
    const busy = await first.engine.submit({
      model: "sim/image",
      input: { ...SMALL, prompt: "busy", latency_ms: 60_000 },
    });
    await first.worker?.runPass();
    expect((await first.engine.get(busy.id)).state).toBe("running");
    const { batch } = await first.engine.batches.create({
      tokenId: null,
      concurrency: 1,
      items: [
        // Still running when the second worker claims (a zero-latency run would have ended, freeing the place).
        { model: "sim/image", input: { ...SMALL, prompt: "at the simulator", latency_ms: 60_000 } },
        { model: "fake/sdxl", input: { width: 256, height: 256, prompt: "at replicate" } },
      ],
    });

    // One connection holds the row; another watches (a transaction sees one snapshot of pg_stat_activity).
    const admin = new pg.Client({ connectionString: cluster.databaseUrl });
    const watcher = new pg.Client({ connectionString: cluster.databaseUrl });
    await admin.connect();
    await watcher.connect();
    try {
      const waiting = async () => {
        const { rows } = await watcher.query<{ n: string }>(
          "select count(*) as n from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'",
          [cluster?.applicationName],
        );
        return Number(rows[0]?.n);
      };
      await admin.query("begin");
      await admin.query("select * from rate_buckets for update");
      const firstPass = first.worker?.runPass();
      await until(async () => ((await waiting()) === 1 ? true : undefined));
      let secondDone = false;
      const secondPass = second.worker?.runPass().then(() => {
        secondDone = true;
      });
      // The second worker either claims meanwhile, or waits its turn behind the first.
      await until(async () => (secondDone || (await waiting()) === 2 ? true : undefined));
      await admin.query("commit");
      await Promise.all([firstPass, secondPass]);
    } finally {
      await admin.end();
      await watcher.end();
    }
    const items = await first.engine.batches.items(batch.id);
    const started = items.filter((item) => item.prediction.state !== "queued");
    expect(started.map((item) => item.prediction.input.prompt)).toHaveLength(1);
  });
});
