/**
 * CPU per prediction of the gateway process (user + system from /proc, all its threads), sim at
 * zero latency on SQLite and PostgreSQL, next to three anchors under the same client load in the same
 * run: a hello-world `node:http` server answering each request, the sim prediction's own work done
 * without gengate (bench/support/floor-server.ts), and a BullMQ job end to end (its producer and
 * worker in one process, on the local Redis). Predictions are created with
 * `Prefer: wait` and end with their output stored.
 * Run: node bench/cpu-per-prediction.ts [count=2000] [concurrency=32]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ReadyChild, spawnReady } from "./support/child-process.ts";
import { type Backend, createPrediction, startBenchGateway } from "./support/gateway-process.ts";
import { cpuSecondsOf, fmt, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const WARM_UP = 200;
const INPUT = { width: 64, height: 64, output_format: "png" };
const script = (name: string) => fileURLToPath(new URL(`./support/${name}`, import.meta.url));

interface Cost {
  cpuMs: number;
  perSecond: number;
}

/** CPU of `pid` and wall time over `count` requests made by `request`, after a warm-up. */
async function costOf(pid: number, request: (i: number) => Promise<void>): Promise<Cost> {
  await runPool(WARM_UP, CONCURRENCY, request);
  const cpuBefore = await cpuSecondsOf(pid);
  const started = performance.now();
  await runPool(COUNT, CONCURRENCY, request);
  const seconds = (performance.now() - started) / 1000;
  const cpu = (await cpuSecondsOf(pid)) - cpuBefore;
  return { cpuMs: (cpu * 1000) / COUNT, perSecond: COUNT / seconds };
}

async function gateway(backend: Backend): Promise<Cost> {
  const served = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" });
  try {
    const pid = served.child.pid ?? 0;
    return await costOf(pid, async (i) => {
      const prediction = await createPrediction(
        served.url,
        "sim/image",
        { prompt: `p ${i}`, ...INPUT },
        true,
      );
      if (prediction.status !== "succeeded")
        throw new Error(`prediction ${prediction.id} ${prediction.status}`);
    });
  } finally {
    await served.stop();
  }
}

/** CPU of an anchor server (a script in bench/support) answering request i as `check` expects. */
async function anchorCost(
  server: ReadyChild,
  check: (answer: { status?: string }) => void = () => {},
): Promise<Cost> {
  const url = `http://127.0.0.1:${server.detail}/v1/models/sim/image/predictions`;
  return costOf(server.child.pid ?? 0, async (i) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: "Bearer anchor", prefer: "wait=60" },
      body: JSON.stringify({ input: { prompt: `p ${i}`, ...INPUT } }),
    });
    if (response.status !== 201) throw new Error(`an anchor answered ${response.status}`);
    check((await response.json()) as { status?: string });
  });
}

async function helloWorld(): Promise<Cost> {
  const server = await spawnReady(script("hello-server.ts"));
  try {
    return await anchorCost(server);
  } finally {
    await server.stop();
  }
}

/** The sim prediction's own work alone (bench/support/floor-server.ts). */
async function floor(): Promise<Cost> {
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-bench-floor-"));
  const server = await spawnReady(script("floor-server.ts"), [dataDir]);
  try {
    return await anchorCost(server, (answer) => {
      if (answer.status !== "succeeded") throw new Error(`the floor's prediction ${answer.status}`);
    });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function bullmq(): Promise<Cost> {
  const jobs = await spawnReady(script("bullmq-jobs.ts"));
  try {
    const run = async (count: number) => {
      jobs.child.stdin?.write(`${count} ${CONCURRENCY}\n`);
      const line = await jobs.nextLine();
      if (line !== "done") throw new Error(`bullmq-jobs said ${line}`);
    };
    const pid = jobs.child.pid ?? 0;
    await run(WARM_UP);
    const cpuBefore = await cpuSecondsOf(pid);
    const started = performance.now();
    await run(COUNT);
    const seconds = (performance.now() - started) / 1000;
    return { cpuMs: (((await cpuSecondsOf(pid)) - cpuBefore) * 1000) / COUNT, perSecond: COUNT / seconds };
  } finally {
    await jobs.stop();
  }
}

const rows: Array<[string, Cost]> = [];
const measured = async (name: string, measure: () => Promise<Cost>): Promise<Cost> => {
  const cost = await measure();
  console.error(`${name}: ${fmt(cost.cpuMs, 2)} CPU ms, ${fmt(cost.perSecond, 0)}/s`);
  rows.push([name, cost]);
  return cost;
};
const hello = await measured("hello-world node:http", helloWorld);
await measured("gengate, SQLite", () => gateway("sqlite"));
await measured("the same work without gengate (floor, SQLite)", floor);
await measured("gengate, PostgreSQL", () => gateway("postgres"));
await measured("BullMQ job (producer + worker)", bullmq);
console.log(`\n${COUNT} requests, ${CONCURRENCY} clients; sim/image 64x64 PNG at zero model latency\n`);
console.log("| process | CPU ms per request | ÷ hello-world | requests/s |");
console.log("|---|---|---|---|");
for (const [name, cost] of rows) {
  console.log(
    `| ${name} | ${fmt(cost.cpuMs, 2)} | ${fmt(cost.cpuMs / hello.cpuMs, 1)} | ${fmt(cost.perSecond, 0)} |`,
  );
}
