/**
 * In queue mode a provider's webhook reaches an API process, which never calls the provider: it
 * records the update and wakes a worker, and the worker downloads the outputs. Seen from the fake
 * Replicate: each output download comes from the worker process's socket, not the API's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { freePort } from "./support/free-port.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";
import type { ServeProcess } from "./support/serve-process.ts";
import { ownerOfPort } from "./support/socket-owner.ts";
import { until } from "./support/until.ts";

interface Json {
  id: string;
  status: string;
  output: string[] | null;
}

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

describe.skipIf(skip)("queue mode: a provider's webhook to an api process", () => {
  let fake: FakeReplicate;
  let cluster: QueueCluster;
  let api: ServeProcess;
  let worker: ServeProcess;
  let publicUrl: string;

  beforeAll(async () => {
    fake = await startFakeReplicate({ latencyMs: { min: 500, max: 500 } });
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    cluster = await startQueueCluster({
      PUBLIC_URL: publicUrl,
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.url,
      REPLICATE_WEBHOOK_SECRET: fake.webhookSecret,
      REPLICATE_WAIT_SECONDS: "0",
      // Polls are a minute apart: the end comes by webhook.
      REPLICATE_WEBHOOK_POLL_SECONDS: "60",
    });
    api = await cluster.spawn("api", {}, ["--port", String(port)]);
    worker = await cluster.spawn("worker");
  });

  afterAll(async () => {
    await cluster?.close();
    await fake?.close();
  });

  it("is applied by the worker, which downloads the outputs; the prediction succeeds with them readable", async () => {
    const roles = new Map([
      [api.child.pid, "api"],
      [worker.child.pid, "worker"],
    ]);
    const pids = [...roles.keys()].filter((pid) => pid !== undefined);
    // Which process each download came from, asked while its connection is open.
    const downloadedBy = new Map<number, string>();
    const watch = setInterval(() => {
      for (const [index, download] of fake.deliveries.entries()) {
        if (downloadedBy.has(index) || download.clientPort === undefined) continue;
        const owner = ownerOfPort(download.clientPort, pids);
        if (owner !== undefined) downloadedBy.set(index, roles.get(owner) ?? "?");
      }
    }, 10);
    try {
      const response = await fetch(`${api.url}/v1/models/fake/sdxl/predictions`, {
        method: "POST",
        headers: { ...authed, "content-type": "application/json" },
        body: JSON.stringify({ input: { prompt: "hooked", width: 256, height: 256 } }),
      });
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as Json;
      const done = await until(async () => {
        const now = (await (
          await fetch(`${api.url}/v1/predictions/${id}`, { headers: authed })
        ).json()) as Json;
        return now.status === "succeeded" ? now : undefined;
      }, 20_000);
      const ended = fake.webhookAttempts.filter(
        (attempt) =>
          attempt.url.startsWith(`${api.url.replace("localhost", "127.0.0.1")}/hooks/replicate`) &&
          attempt.body.includes('"succeeded"'),
      );
      expect(ended.map((attempt) => attempt.status)).toContain(200);
      const upstream = fake.predictions().find((p) => p.input.prompt === "hooked");
      const polls = fake.requests.filter(
        (r) => r.method === "GET" && r.path === `/v1/predictions/${upstream?.id}`,
      );
      expect(polls.length, "the end came by webhook, not by a poll").toBeLessThanOrEqual(1);

      expect(fake.deliveries.length).toBeGreaterThan(0);
      await until(() => (downloadedBy.size === fake.deliveries.length ? true : undefined), 5_000);
      expect([...downloadedBy.values()]).toEqual(fake.deliveries.map(() => "worker"));

      const file = await fetch(done.output?.[0] ?? "", { headers: authed });
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toMatch(/^image\//);
    } finally {
      clearInterval(watch);
    }
  });
});
