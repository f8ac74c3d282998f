/** The fake's queue API: auth, the job state machine, sync waits, retention, ttl, limits. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ended, fakeClient } from "./fake-client.ts";
import { type FakeRunpod, startFakeRunpod } from "./index.ts";

let fake: FakeRunpod;
const sd = () => fakeClient(fake, "sd");
const slow = () => fakeClient(fake, "slow");
const prompt = (text: string) => ({ input: { prompt: text, width: 64, height: 64 } });

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: {
      sd: { worker: "a1111", rateLimits: { cancel: 3 } },
      slow: { worker: "a1111", workers: 1, queueMs: 50, executionMs: 400 },
      gen: { worker: "flux", generator: true },
    },
    retention: { runMs: 300, runsyncMs: 100 },
    rateWindowMs: 500,
    minExecutionTimeoutMs: 100,
    minTtlMs: 100,
  });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

describe("fake RunPod API", () => {
  it("accepts the key as `Bearer <key>` or bare, refuses anything else, and never records it", async () => {
    expect((await sd().call("health")).status).toBe(200);
    expect((await sd().call("health", { auth: fake.apiKey })).status).toBe(200);
    const wrong = await sd().call("health", { auth: "Bearer nope" });
    expect(wrong).toEqual({ status: 401, body: { error: "Unauthorized" } });
    expect((await sd().call("health", { auth: null })).status).toBe(401);
    expect(fake.requests.map((r) => [r.auth, r.status])).toEqual([
      ["bearer", 200],
      ["raw", 200],
      ["wrong", 401],
      ["missing", 401],
    ]);
    expect(JSON.stringify(fake.requests)).not.toContain(fake.apiKey);
  });

  it("answers 404 for an unknown endpoint or job", async () => {
    expect((await fakeClient(fake, "nope").call("health")).status).toBe(404);
    expect((await sd().status("0000")).status).toBe(404);
  });

  it("runs a job IN_QUEUE → IN_PROGRESS → COMPLETED with timings and a worker id", async () => {
    const { status, body } = await slow().call("run", { body: prompt("fox") });
    expect(status).toBe(200);
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}-u1$/), status: "IN_QUEUE" });
    const id = body.id ?? "";
    const running = await slow().until(id, (a) => a.body.status === "IN_PROGRESS");
    expect(running.body).toMatchObject({ delayTime: expect.any(Number), workerId: expect.any(String) });
    const done = await slow().until(id, ended);
    expect(done.body).toMatchObject({ status: "COMPLETED", executionTime: expect.any(Number) });
    expect(done.body.executionTime).toBeGreaterThanOrEqual(390);
    expect(done.body.delayTime).toBeGreaterThanOrEqual(45);
  });

  it("refuses a body without input, bad JSON, or a policy out of bounds, with 400", async () => {
    expect((await sd().call("run", { body: { prompt: "x" } })).status).toBe(400);
    expect((await sd().call("run", { body: "{nope" })).status).toBe(400);
    const tooShort = await sd().call("run", { body: { ...prompt("x"), policy: { ttl: 5 } } });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error).toMatch(/policy\.ttl/);
  });

  it("/runsync returns the finished job, or {id, status} when the wait runs out", async () => {
    const done = await sd().call("runsync", { body: prompt("quick") });
    expect(done.body).toMatchObject({ id: expect.stringMatching(/^sync-/), status: "COMPLETED" });
    fake.faults.stuck("sd");
    const started = Date.now();
    const waiting = await sd().call("runsync?wait=10", { body: prompt("stuck") });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990); // wait is clamped to 1 s at least
    expect(waiting.body).toEqual({ id: expect.any(String), status: "IN_PROGRESS" });
    const id = await slow().run(prompt("long poll"));
    const polled = await slow().call(`status-sync/${id}?wait=5000`);
    expect(polled.body.status).toBe("COMPLETED");
  });

  it("keeps results for the retention time only: then /status is 404", async () => {
    const id = await sd().run(prompt("short-lived"));
    await sd().until(id, (a) => a.body.status === "COMPLETED");
    await sd().until(id, (a) => a.status === 404, 1_000);
    const sync = await sd().call("runsync", { body: prompt("sync") });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await sd().status(sync.body.id ?? "")).status).toBe(404);
  });

  it("drops a job whose ttl ran out, even while running; executionTimeout makes it TIMED_OUT", async () => {
    fake.faults.stuck("sd", 2);
    const dropped = await sd().run({ ...prompt("ttl"), policy: { ttl: 200 } });
    const timedOut = await sd().run({ ...prompt("slow"), policy: { executionTimeout: 150 } });
    expect((await sd().until(timedOut, ended)).body.status).toBe("TIMED_OUT");
    await sd().until(dropped, (a) => a.status === 404, 1_000);
  });

  it("cancels queued or running jobs; a finished job stays as it is", async () => {
    const running = await slow().run(prompt("a"));
    const queued = await slow().run(prompt("b"));
    await slow().until(running, (a) => a.body.status === "IN_PROGRESS");
    expect((await slow().call(`cancel/${queued}`, { method: "POST" })).body).toEqual({
      id: queued,
      status: "CANCELLED",
    });
    expect((await slow().call(`cancel/${running}`, { method: "POST" })).body.status).toBe("CANCELLED");
    const done = (await sd().call("runsync", { body: prompt("c") })).body.id ?? "";
    expect((await sd().call(`cancel/${done}`, { method: "POST" })).body.status).toBe("COMPLETED");
  });

  it("retries FAILED jobs under the same id, and only those", async () => {
    fake.faults.crash("sd", 1);
    const id = await sd().run(prompt("crash once"));
    expect((await sd().until(id, ended)).body.status).toBe("FAILED");
    expect((await sd().call(`retry/${id}`, { method: "POST" })).body).toEqual({ id, status: "IN_QUEUE" });
    const queued = await sd().status(id);
    expect(queued.body.error).toBeUndefined();
    const done = await sd().until(id, ended);
    expect(done.body).toMatchObject({ status: "COMPLETED", retries: 1 });
    const again = await sd().call(`retry/${id}`, { method: "POST" });
    expect(again.status).toBe(400);
  });

  it("purges queued jobs only, and reports jobs and workers in /health", async () => {
    const running = await slow().run(prompt("a"));
    await slow().run(prompt("b"));
    await slow().run(prompt("c"));
    await slow().until(running, (a) => a.body.status === "IN_PROGRESS");
    expect((await slow().call("health")).body).toEqual({
      jobs: { completed: 0, failed: 0, retried: 0, inProgress: 1, inQueue: 2 },
      workers: { idle: 0, initializing: 0, ready: 0, running: 1, throttled: 0 },
    });
    expect((await slow().call("purge-queue", { method: "POST" })).body).toEqual({
      removed: 2,
      status: "completed",
    });
    await slow().until(running, (a) => a.body.status === "COMPLETED");
    expect((await slow().call("health")).body.jobs).toMatchObject({
      completed: 1,
      inQueue: 0,
      inProgress: 0,
    });
  });

  it("streams a generator's output once; other handlers stream nothing", async () => {
    const gen = fakeClient(fake, "gen");
    const id = (await gen.call("runsync", { body: { input: { prompt: "g", width: 256, height: 256 } } })).body
      .id;
    const first = await gen.call(`stream/${id}`);
    expect(first.body).toMatchObject({
      status: "COMPLETED",
      stream: [{ output: { image_url: expect.any(String) } }],
    });
    expect((await gen.call(`stream/${id}`)).body.stream).toEqual([]);
    const plain = (await sd().call("runsync", { body: prompt("p") })).body.id;
    expect((await sd().call(`stream/${plain}`)).body).toEqual({ status: "COMPLETED", stream: [] });
  });

  it("answers 429 beyond an operation's rate limit or when a test asks for it", async () => {
    const id = await sd().run(prompt("limits"));
    const cancels = [];
    for (let i = 0; i < 4; i++) cancels.push((await sd().call(`cancel/${id}`, { method: "POST" })).status);
    expect(cancels).toEqual([200, 200, 200, 429]);
    expect((await sd().status(id)).status).toBe(200);
    fake.faults.rateLimit("sd");
    expect((await sd().status(id)).status).toBe(429);
    expect((await sd().status(id)).status).toBe(200);
  });

  it("leaves nothing running after close()", async () => {
    const script = fileURLToPath(new URL("./close-check.fixture.ts", import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: "ignore" });
    const started = Date.now();
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
