/**
 * A process may die at any line: after `kill -9` and a restart, every prediction finishes and none
 * was started twice. The sim provider keeps its own journal of starts, like a remote provider would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "../src/core/ids.ts";
import type { Prediction } from "../src/core/prediction.ts";
import { createSimProvider } from "../src/providers/sim/index.ts";
import { createStore, openDatabase } from "../src/store/index.ts";
import { startGateway, TEST_TOKEN } from "./support/gateway.ts";
import { providerDeps } from "./support/provider-deps.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";
import { readSimStarts } from "./support/sim-starts.ts";
import { startWebhookReceiver } from "./support/webhook-receiver.ts";

const dirs: string[] = [];
const processes: ServeProcess[] = [];

afterEach(() => {
  for (const { child } of processes.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gengate-crash-"));
  dirs.push(dir);
  return dir;
}

const authed = { authorization: `Bearer ${TEST_TOKEN}` };

async function statusOf(url: string, id: string): Promise<{ status: string; output: string[] | null }> {
  const response = await fetch(`${url}/v1/predictions/${id}`, { headers: authed });
  return (await response.json()) as { status: string; output: string[] | null };
}

describe("crash recovery", () => {
  it("finishes 100 in-flight predictions after kill -9, starting each exactly once", async () => {
    const dataDir = newDataDir();
    const env = {
      GENGATE_DATA_DIR: dataDir,
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      GENGATE_SIM_LATENCY: "uniform:1500-3000",
    };
    const first = await spawnServe(env);
    processes.push(first);

    const ids = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const response = await fetch(`${first.url}/v1/models/sim/image/predictions`, {
          method: "POST",
          headers: authed,
          body: JSON.stringify({ input: { prompt: `crash ${i}`, width: 64, height: 64 } }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
      }),
    );
    const before = await Promise.all(ids.map((id) => statusOf(first.url, id)));
    expect(before.filter((p) => p.status === "succeeded").length).toBe(0);

    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const startedBeforeCrash = (await readSimStarts(dataDir)).size;

    const second = await spawnServe(env);
    processes.push(second);
    const deadline = Date.now() + 30_000;
    let after = await Promise.all(ids.map((id) => statusOf(second.url, id)));
    while (after.some((p) => p.status !== "succeeded") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await Promise.all(ids.map((id) => statusOf(second.url, id)));
    }
    expect(after.map((p) => p.status)).toEqual(ids.map(() => "succeeded"));
    const image = await fetch(after[0]?.output?.[0] ?? "");
    expect(image.headers.get("content-type")).toBe("image/webp");

    const starts = await readSimStarts(dataDir);
    expect(startedBeforeCrash).toBeGreaterThan(0);
    expect(starts.size).toBe(100);
    for (const id of ids) expect(starts.get(id)).toBe(1);
  }, 60_000);

  it("adopts work the provider accepted just before the process died, instead of paying twice", async () => {
    const dataDir = newDataDir();
    // The upstream create happened; the crash came before its result was recorded.
    const id = await leftMidSubmission(dataDir, { upstreamRun: {}, recordedOnRow: false });
    const gateway = await startGateway({}, dataDir);
    try {
      const finished = await gateway.engine.waitFor(id, 10_000);
      expect(finished.state).toBe("succeeded");
      expect((await readSimStarts(dataDir)).get(id)).toBe(1);
    } finally {
      await gateway.close();
    }
  });

  it("does not adopt the failed run a prediction left behind when it fell back, after a crash", async () => {
    const dataDir = newDataDir();
    // The first run failed and the prediction was queued again on its next target; the process
    // died while starting that one, before the provider had it.
    const id = await leftMidSubmission(dataDir, {
      upstreamRun: { fail: "first target failed" },
      recordedOnRow: true,
    });
    const gateway = await startGateway({}, dataDir);
    try {
      const finished = await gateway.engine.waitFor(id, 10_000);
      expect(finished.state).toBe("succeeded");
      expect((await readSimStarts(dataDir)).get(id)).toBe(2);
    } finally {
      await gateway.close();
    }
  });
});

describe("webhooks after a crash", () => {
  it("sends the completed webhook of a prediction that ended just before the process died", async () => {
    const dataDir = newDataDir();
    const receiver = await startWebhookReceiver();
    try {
      // The webhook goes to a receiver on loopback.
      const env = { GENGATE_ALLOW_PRIVATE_URLS: "1" };
      const first = await startGateway(env, dataDir);
      const prediction = await first.engine.submit({
        model: "sim/image",
        input: { prompt: "ended", width: 64, height: 64 },
        webhook: receiver.url,
        webhookEventsFilter: ["completed"],
      });
      await first.engine.waitFor(prediction.id, 5_000);
      await receiver.waitFor(1);
      await first.close();
      // As if the process had died between recording the end and queueing the webhook:
      const database = await openDatabase({ dataDir });
      await database.db.deleteFrom("webhook_deliveries").execute();
      await database.close();
      receiver.received.length = 0;

      const second = await startGateway(env, dataDir);
      try {
        const [delivery] = await receiver.waitFor(1);
        expect(JSON.parse(delivery?.body ?? "{}")).toMatchObject({ id: prediction.id, status: "succeeded" });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(receiver.received).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      await receiver.close();
    }
  });
});

/**
 * A prediction left in "submitting" by a process that died: the sim provider has a run of it
 * (with `upstreamRun` merged into its input), recorded on the row or not.
 */
async function leftMidSubmission(
  dataDir: string,
  { upstreamRun, recordedOnRow }: { upstreamRun: Record<string, unknown>; recordedOnRow: boolean },
): Promise<string> {
  const database = await openDatabase({ dataDir });
  const sim = createSimProvider({}, await providerDeps("sim", { database }));
  const model = await sim.getModel({ kind: "model", owner: "sim", name: "image" });
  const id = newId();
  const input = {
    prompt: "left mid-submission",
    width: 64,
    height: 64,
    num_outputs: 1,
    output_format: "png",
    output_quality: 80,
    latency_ms: 100,
  };
  const run = await sim.start(
    { predictionId: id, submitId: `${id}-s`, providerModel: "image", input: { ...input, ...upstreamRun } },
    { readInput: () => Promise.reject(new Error("no inputs")) },
  );
  const now = Date.now();
  const row: Prediction = {
    id,
    model: "sim/image",
    version: model?.versionId ?? "",
    provider: "sim",
    providerModel: "image",
    input,
    output: null,
    logs: "",
    error: null,
    state: "submitting",
    upstreamPhase: null,
    operation: null,
    attempts: 1,
    webhook: null,
    webhookEventsFilter: null,
    tokenId: null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    nextCheckAt: now + 120_000,
    deadlineAt: null,
    cancelRequestedAt: null,
    metrics: {},
    streaming: false,
    priority: 0,
  };
  await createStore(database).predictions.insert({
    ...row,
    upstreamId: recordedOnRow ? run.upstreamId : null,
  });
  await database.close();
  return id;
}
