/**
 * CPU per prediction of the gateway process (user + system from /proc, all its threads), sim at
 * zero latency on SQLite and PostgreSQL, next to three anchors under the same client load in the same
 * run: a hello-world `node:http` server answering each request, the sim prediction's own work done
 * without gengate (bench/support/floor-server.ts), and a BullMQ job end to end (its producer and
 * worker in one process, on the local Redis). Predictions are created with
 * `Prefer: wait` and end with their output stored.
 *
 * Each process is measured twice: cold (the `count` requests after a warm-up of 200, as a process
 * just started serves them) and steady (`count` requests once it has served `steady after`, by when
 * V8 has compiled the hot code with its top tier: gengate's request path reaches TurboFan only after
 * about 11,000 predictions, each function being called once or twice a prediction).
 * Run: node bench/cpu-per-prediction.ts [count=2000] [concurrency=32] [steady after=15000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ReadyChild, spawnReady } from "./support/child-process.ts";
import { type Backend, startBenchGateway } from "./support/gateway-process.ts";
import { SIM_IMAGE_INPUT, simImageSucceeds } from "./support/sim-load.ts";
import { cpuSecondsOf, fmt, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const STEADY_AFTER = Number(process.argv[4] ?? 15_000);
const WARM_UP = 200;
const script = (name: string) => fileURLToPath(new URL(`./support/${name}`, import.meta.url));

interface Cost {
  cpuMs: number;
  perSecond: number;
}

interface Costs {
  cold: Cost;
  steady: Cost;
}

/**
 * CPU of `pid` and wall time over COUNT requests, cold and steady; `serve(count)` has the process
 * serve that many more requests.
 */
async function costsOf(pid: number, serve: (count: number) => Promise<void>): Promise<Costs> {
  const measure = async (): Promise<Cost> => {
    const cpuBefore = await cpuSecondsOf(pid);
    const started = performance.now();
    await serve(COUNT);
    const seconds = (performance.now() - started) / 1000;
    const cpu = (await cpuSecondsOf(pid)) - cpuBefore;
    return { cpuMs: (cpu * 1000) / COUNT, perSecond: COUNT / seconds };
  };
  await serve(WARM_UP);
  const cold = await measure();
  await serve(Math.max(0, STEADY_AFTER - WARM_UP - COUNT));
  return { cold, steady: await measure() };
}

/** Has requests made by `request(i)`, i counting on from one call to the next. */
function requestsBy(request: (i: number) => Promise<void>): (count: number) => Promise<void> {
  let made = 0;
  return async (count) => {
    const from = made;
    made += count;
    await runPool(count, CONCURRENCY, (i) => request(from + i));
  };
}

async function gateway(backend: Backend): Promise<Costs> {
  const served = await startBenchGateway(backend, { GENGATE_SIM_LATENCY: "0" });
  try {
    const pid = served.child.pid ?? 0;
    return await costsOf(
      pid,
      requestsBy((i) => simImageSucceeds(served.url, `p ${i}`)),
    );
  } finally {
    await served.stop();
  }
}

/** CPU of an anchor server (a script in bench/support) answering request i as `check` expects. */
async function anchorCost(
  server: ReadyChild,
  check: (answer: { status?: string }) => void = () => {},
): Promise<Costs> {
  const url = `http://127.0.0.1:${server.detail}/v1/models/sim/image/predictions`;
  return costsOf(
    server.child.pid ?? 0,
    requestsBy(async (i) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: "Bearer anchor", prefer: "wait=60" },
        body: JSON.stringify({ input: { prompt: `p ${i}`, ...SIM_IMAGE_INPUT } }),
      });
      if (response.status !== 201) throw new Error(`an anchor answered ${response.status}`);
      check((await response.json()) as { status?: string });
    }),
  );
}

async function helloWorld(): Promise<Costs> {
  const server = await spawnReady(script("hello-server.ts"));
  try {
    return await anchorCost(server);
  } finally {
    await server.stop();
  }
}

/** The sim prediction's own work alone (bench/support/floor-server.ts). */
async function floor(): Promise<Costs> {
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

async function bullmq(): Promise<Costs> {
  const jobs = await spawnReady(script("bullmq-jobs.ts"));
  try {
    return await costsOf(jobs.child.pid ?? 0, async (count) => {
      if (count === 0) return;
      jobs.child.stdin?.write(`${count} ${CONCURRENCY}\n`);
      const line = await jobs.nextLine();
      if (line !== "done") throw new Error(`bullmq-jobs said ${line}`);
    });
  } finally {
    await jobs.stop();
  }
}

const rows: Array<[string, Costs]> = [];
const measured = async (name: string, measure: () => Promise<Costs>): Promise<Costs> => {
  const costs = await measure();
  const shown = (cost: Cost) => `${fmt(cost.cpuMs, 2)} CPU ms, ${fmt(cost.perSecond, 0)}/s`;
  console.error(`${name}: cold ${shown(costs.cold)}; steady ${shown(costs.steady)}`);
  rows.push([name, costs]);
  return costs;
};
const hello = await measured("hello-world node:http", helloWorld);
await measured("gengate, SQLite", () => gateway("sqlite"));
await measured("the same work without gengate (floor, SQLite)", floor);
await measured("gengate, PostgreSQL", () => gateway("postgres"));
await measured("BullMQ job (producer + worker)", bullmq);
console.log(
  `\n${COUNT} requests, ${CONCURRENCY} clients; sim/image 64x64 PNG at zero model latency; cold: after ${WARM_UP} requests, steady: after ${STEADY_AFTER}\n`,
);
console.log(
  "| process | cold: CPU ms per request | ÷ hello-world | requests/s | steady: CPU ms per request | ÷ hello-world | requests/s |",
);
console.log("|---|---|---|---|---|---|---|");
const cells = (cost: Cost, helloCost: Cost) =>
  `${fmt(cost.cpuMs, 2)} | ${fmt(cost.cpuMs / helloCost.cpuMs, 1)} | ${fmt(cost.perSecond, 0)}`;
for (const [name, costs] of rows)
  console.log(`| ${name} | ${cells(costs.cold, hello.cold)} | ${cells(costs.steady, hello.steady)} |`);
