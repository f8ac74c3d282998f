/**
 * What one upstream call costs the caller: a JSON POST and its answer read whole, from this process
 * to a hello-world `node:http` server (another process), made by Node's `fetch` and by gengate's
 * transport (src/providers/toolkit/transport.ts, undici's request API), in alternating rounds.
 * The CPU is this process's own (user + system) per call.
 * Run: node bench/upstream-client.ts [rounds=4] [per round=5000] [concurrency=32]
 */
import { fileURLToPath } from "node:url";
import { exchange } from "../src/providers/toolkit/transport.ts";
import { spawnReady } from "./support/child-process.ts";
import { fmt, runPool } from "./support/stats.ts";

const ROUNDS = Number(process.argv[2] ?? 4);
const PER_ROUND = Number(process.argv[3] ?? 5000);
const CONCURRENCY = Number(process.argv[4] ?? 32);
const WARM_UP = 2000;

const server = await spawnReady(fileURLToPath(new URL("./support/hello-server.ts", import.meta.url)));
const url = `http://127.0.0.1:${server.detail}/v1/predictions`;
const call = {
  method: "POST",
  headers: { accept: "application/json", "content-type": "application/json", authorization: "Bearer bench" },
  body: JSON.stringify({ input: { prompt: "a lighthouse at dusk" }, webhook: "http://127.0.0.1:1/hook" }),
};

const clients: Record<string, () => Promise<number>> = {
  "Node's fetch": async () => {
    const response = await fetch(url, { ...call, signal: AbortSignal.timeout(30_000) });
    await response.text();
    return response.status;
  },
  "gengate's transport (undici request)": async () =>
    (await exchange(url, { ...call, signal: AbortSignal.timeout(30_000) })).status,
};

const totals = new Map<string, { cpuMs: number; seconds: number; calls: number }>();
const callsOf = async (client: () => Promise<number>, count: number) =>
  runPool(count, CONCURRENCY, async () => {
    const status = await client();
    if (status !== 201) throw new Error(`the server answered ${status}`);
  });
try {
  for (const client of Object.values(clients)) await callsOf(client, WARM_UP);
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, client] of Object.entries(clients)) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await callsOf(client, PER_ROUND);
      const seconds = (performance.now() - started) / 1000;
      const { user, system } = process.cpuUsage(cpuBefore);
      const total = totals.get(name) ?? { cpuMs: 0, seconds: 0, calls: 0 };
      totals.set(name, {
        cpuMs: total.cpuMs + (user + system) / 1000,
        seconds: total.seconds + seconds,
        calls: total.calls + PER_ROUND,
      });
    }
  console.log(`\n${ROUNDS} alternating rounds of ${PER_ROUND} calls, ${CONCURRENCY} at a time\n`);
  console.log("| client | caller's CPU ms per call | calls/s |");
  console.log("|---|---|---|");
  for (const [name, { cpuMs, seconds, calls }] of totals)
    console.log(`| ${name} | ${fmt(cpuMs / calls, 3)} | ${fmt(calls / seconds, 0)} |`);
} finally {
  await server.stop();
}
