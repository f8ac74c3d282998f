/**
 * Queue mode's roles as real processes on one PostgreSQL database: an `api` process serves HTTP
 * and never runs work, a `worker` process runs it and serves only `/health` and `/metrics`; both
 * refuse SQLite, saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { createPostgresSchema } from "./support/postgres-schema.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";
import { spawnServe } from "./support/serve-process.ts";
import { until } from "./support/until.ts";

interface Json {
  id: string;
  status: string;
  output: string[] | null;
}

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

describe("gengate serve --role", () => {
  it("refuses the api and worker roles on SQLite, saying why", async () => {
    for (const role of ["api", "worker"]) {
      await expect(spawnServe({ DATABASE_URL: "" }, ["--role", role])).rejects.toThrow(
        new RegExp(`GENGATE_ROLE: the ${role} role needs DATABASE_URL \\(PostgreSQL\\)`),
      );
    }
  });
});

describe.skipIf(skip)("gengate serve over PostgreSQL with a provider misconfigured", () => {
  it("exits naming the setting, though the database opened first", async () => {
    const schema = await createPostgresSchema("q");
    try {
      const env = {
        DATABASE_URL: schema.databaseUrl,
        REPLICATE_API_TOKEN: "r8_x",
        REPLICATE_CONCURRENCY: "0",
      };
      await expect(spawnServe(env, ["--role", "worker"])).rejects.toThrow(
        /exited \(1\) before listening:\ngengate: REPLICATE_CONCURRENCY: must be a positive integer/,
      );
    } finally {
      await schema.drop();
    }
  });
});

describe.skipIf(skip)("queue mode: one api and one worker process", () => {
  let cluster: QueueCluster;
  let api: string;
  let worker: string;

  beforeAll(async () => {
    cluster = await startQueueCluster();
    [api, worker] = await Promise.all([cluster.spawn("api"), cluster.spawn("worker")]).then((p) =>
      p.map((process) => process.url),
    );
  });

  afterAll(() => cluster?.close());

  const create = async (input: Record<string, unknown>): Promise<Json> => {
    const response = await fetch(`${api}/v1/models/sim/image/predictions`, {
      method: "POST",
      headers: { ...authed, "content-type": "application/json" },
      body: JSON.stringify({ input: { prompt: "queue", width: 64, height: 64, ...input } }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Json;
  };
  const read = async (id: string): Promise<Json> =>
    (await (await fetch(`${api}/v1/predictions/${id}`, { headers: authed })).json()) as Json;

  it("says each process's role, database and queue in /health", async () => {
    for (const [url, role] of [
      [api, "api"],
      [worker, "worker"],
    ]) {
      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: "ok",
        role,
        database: { dialect: "postgres", healthy: true },
        queue: { healthy: true },
      });
    }
  });

  it("serves only /health and /metrics on a worker", async () => {
    expect((await fetch(`${worker}/v1/predictions`, { headers: authed })).status).toBe(404);
    expect((await fetch(`${worker}/`)).status).toBe(404);
    const metrics = await (await fetch(`${worker}/metrics`)).text();
    expect(metrics).toContain('gengate_role{role="worker"} 1');
    expect(metrics).toMatch(/^gengate_predictions\{state="queued"\} \d+$/m);
  });

  it("runs on the worker what the api accepted, with the output readable from the api", async () => {
    const created = await create({});
    expect(created.status).toBe("starting");
    const done = await until(async () => {
      const now = await read(created.id);
      return now.status === "succeeded" ? now : undefined;
    });
    const file = await fetch(done.output?.[0] ?? "", { headers: authed });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toMatch(/^image\//);
  });

  it("cancels through the api work running on the worker", async () => {
    const created = await create({ latency_ms: 60_000 });
    await until(async () => ((await read(created.id)).status === "processing" ? true : undefined));
    const response = await fetch(`${api}/v1/predictions/${created.id}/cancel`, {
      method: "POST",
      headers: authed,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).status).toBe("canceled");
  });

  it("drains an api node told to stop: an open Prefer: wait request is answered before it exits", async () => {
    const node = await cluster.spawn("api");
    const waiting = fetch(`${node.url}/v1/models/sim/image/predictions`, {
      method: "POST",
      headers: { ...authed, "content-type": "application/json", prefer: "wait=20" },
      body: JSON.stringify({ input: { prompt: "drain", width: 64, height: 64, latency_ms: 1_500 } }),
    });
    // Once the request is being answered (its prediction exists), the node is told to stop.
    await until(async () => {
      const page = (await (await fetch(`${api}/v1/predictions`, { headers: authed })).json()) as {
        results: (Json & { input: { prompt?: string } })[];
      };
      return page.results.some((p) => p.input.prompt === "drain") ? true : undefined;
    });
    node.child.kill("SIGTERM");
    const response = await waiting;
    expect(response.status).toBe(201);
    expect(((await response.json()) as Json).status).toBe("succeeded");
    expect(await node.exited).toBe(0);
  });
});
