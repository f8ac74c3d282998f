/**
 * A LoRA whose worker dies mid-step is taken over by another worker within a lease (seconds),
 * not after the step's worst case: on PostgreSQL no process can tell at start which claims are a
 * dead process's, so it is the claims that lapse. The upload step is held by the fake Replicate,
 * the worker making it killed with -9; the other worker uploads again and the LoRA gets ready.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoraJson } from "../src/core/lora-json.ts";
import { jpegFiles } from "../src/engine/training/photos/test-fixtures.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";
import type { ServeProcess } from "./support/serve-process.ts";
import { ownerOfPort } from "./support/socket-owner.ts";
import { until } from "./support/until.ts";

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

describe.skipIf(skip)("queue mode: a LoRA whose worker is killed mid-step", () => {
  let fake: FakeReplicate;
  let cluster: QueueCluster;
  let api: ServeProcess;
  let workers: ServeProcess[];

  beforeAll(async () => {
    fake = await startFakeReplicate({ trainingMs: 500, latencyMs: { min: 200, max: 400 } });
    cluster = await startQueueCluster({ REPLICATE_API_TOKEN: fake.token, REPLICATE_BASE_URL: fake.url });
    api = await cluster.spawn("api");
    workers = await Promise.all([cluster.spawn("worker"), cluster.spawn("worker")]);
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await fake?.close();
  });

  const create = async (fields: Record<string, string>) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    for (const photo of await jpegFiles(4))
      form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
    return fetch(`${api.url}/v1/loras`, { method: "POST", headers: authed, body: form });
  };

  it("is taken over by the other worker within a lease, and gets ready", async () => {
    // Bad parameters make the api node fetch the trainer's schema, so the next create calls nothing upstream.
    expect((await create({ name: "orphan", params: JSON.stringify({ steps: 1 }) })).status).toBe(422);
    fake.faults.slow(300_000, 1);
    expect((await create({ name: "orphan", samples: "1" })).status).toBe(201);
    const upload = await until(() =>
      fake.requests.find((r) => r.method === "POST" && r.path === "/v1/files"),
    );
    const pids = workers.flatMap((worker) => (worker.child.pid === undefined ? [] : [worker.child.pid]));
    const uploader = workers.find((worker) => worker.child.pid === ownerOfPort(upload.clientPort ?? 0, pids));
    expect(uploader).toBeDefined();
    uploader?.child.kill("SIGKILL");
    const killedAt = Date.now();

    const ready = await until(async () => {
      const lora = (await (
        await fetch(`${api.url}/v1/loras/orphan`, { headers: authed })
      ).json()) as LoraJson;
      return lora.status === "ready" || lora.status === "failed" ? lora : undefined;
    }, 120_000);
    expect(ready.status).toBe("ready");
    const uploads = fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/files");
    expect(uploads).toHaveLength(2);
    // The second upload came once the killed worker's lease lapsed: seconds, not minutes.
    expect((uploads[1]?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(60_000);
  }, 180_000);
});
