import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { WorkerPool } from "./worker-pool.ts";

interface TestJob {
  value: number;
  ms?: number;
  fail?: string;
  crash?: boolean;
  /** Runs until the pool's stop flag is raised. */
  untilStopped?: boolean;
}

interface TestResult {
  value: number;
  threadId: number;
  /** When the worker began and ended the job (ms since the epoch). */
  from: number;
  to: number;
}

/** Answers a job with its value after `ms`, saying which thread ran it when; fails or exits on request. */
const WORKER = `
const { parentPort, threadId, workerData } = require("node:worker_threads");
const now = () => performance.timeOrigin + performance.now();
parentPort.on("message", ({ id, job }) => {
  if (job.crash) process.exit(3);
  if (job.untilStopped) {
    const poll = setInterval(() => {
      if (Atomics.load(workerData, 0) !== 1) return;
      clearInterval(poll);
      parentPort.postMessage({ id, ok: false, error: "stopped" });
    }, 5);
    return;
  }
  const from = now();
  setTimeout(() => parentPort.postMessage(
    job.fail ? { id, ok: false, error: job.fail } : { id, ok: true, result: { value: job.value, threadId, from, to: now() } },
  ), job.ms ?? 10);
});`;

let pool: WorkerPool<TestJob, TestResult>;
let spawned = 0;

function newPool(size: number) {
  spawned = 0;
  pool = new WorkerPool(size, (stop) => {
    spawned++;
    return new Worker(WORKER, { eval: true, workerData: stop });
  });
  return pool;
}

afterEach(() => pool.close());

describe("WorkerPool", () => {
  it("runs at most `size` jobs at once, in order, on workers it keeps", async () => {
    newPool(2);
    const order: number[] = [];
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((value) => pool.run(`job-${value}`, { value, ms: 30 }, () => order.push(value))),
    );
    expect(results.map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    const runningAt = (time: number) => results.filter((r) => r.from <= time && time < r.to).length;
    expect(Math.max(...results.map((r) => runningAt(r.from)))).toBe(2);
    expect(spawned).toBe(2);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
  });

  it("fails a job with its worker's error and keeps the worker", async () => {
    newPool(1);
    await expect(pool.run("a", { value: 1, fail: "bad pixels" })).rejects.toThrow("bad pixels");
    expect((await pool.run("b", { value: 2 })).value).toBe(2);
    expect(spawned).toBe(1);
  });

  it("fails the job of a worker that dies, and starts another for the next job", async () => {
    newPool(1);
    await expect(pool.run("a", { value: 1, crash: true })).rejects.toThrow("the worker exited with code 3");
    expect((await pool.run("b", { value: 2 })).value).toBe(2);
    expect(spawned).toBe(2);
  });

  it("cancels a job that waits, not one that runs", async () => {
    newPool(1);
    const running = pool.run("a", { value: 1, ms: 50 });
    const waiting = pool.run("b", { value: 2 });
    expect(pool.cancel("b")).toBe(true);
    expect(pool.cancel("a")).toBe(false);
    await expect(waiting).rejects.toThrow("canceled");
    expect((await running).value).toBe(1);
  });

  it("when closed, drops waiting jobs, lets running ones end, then ends the workers", async () => {
    newPool(2);
    const running = pool.run("a", { value: 1, ms: 200 });
    const stopped = expect(pool.run("b", { value: 2, untilStopped: true })).rejects.toThrow("stopped");
    const waiting = expect(pool.run("c", { value: 3 })).rejects.toThrow("the worker pool is closed");
    await pool.close();
    expect((await running).value).toBe(1);
    await Promise.all([stopped, waiting]);
    await expect(pool.run("d", { value: 4 })).rejects.toThrow("the worker pool is closed");
  });
});
