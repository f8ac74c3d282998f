/**
 * The options for limits shared by processes, measured side by side: a token bucket taken from
 * in this process's memory, a token bucket row in PostgreSQL updated in one statement (what
 * gengate uses), the same bucket as a Lua script in Redis, and a PostgreSQL advisory lock taken
 * and released (around each dispatch tick). Two connection pools take at once, as two processes.
 * Run: node bench/shared-limits.ts [count] [concurrency]
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { sql } from "kysely";
import { LocalRateLimiter } from "../src/core/rate-limiter.ts";
import { openDatabase } from "../src/store/database.ts";
import { SharedLimitsRepo } from "../src/store/shared-limits-repo.ts";
import { PG_URL } from "../test/support/postgres-schema.ts";
import { fmt, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 4000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const REDIS = { host: "127.0.0.1", port: 6379 };

interface Figures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(take: (i: number) => Promise<unknown>): Promise<Figures> {
  const latencies: number[] = [];
  const started = performance.now();
  await runPool(COUNT, CONCURRENCY, async (i) => {
    const at = performance.now();
    await take(i);
    latencies.push(performance.now() - at);
  });
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: COUNT / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** A token bucket in Redis as one Lua script: the usual way to share a bucket there. */
const LUA_BUCKET = `
local now = tonumber(redis.call('TIME')[1]) * 1000 + math.floor(tonumber(redis.call('TIME')[2]) / 1000)
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(b[1]) or burst
local updated = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - updated) * rate)
local taken = 0
if tokens >= 1 then tokens = tokens - 1 taken = 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(now))
return taken`;

/** The Redis protocol, just enough for EVAL in a benchmark (no Redis client is a dependency). */
function redisEval(socket: Socket): (key: string) => Promise<void> {
  const waiting: Array<() => void> = [];
  let buffer = "";
  socket.on("data", (chunk) => {
    buffer += chunk.toString();
    for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (line.startsWith("-")) throw new Error(line);
      waiting.shift()?.();
    }
  });
  const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  return (key) =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      const args = ["EVAL", LUA_BUCKET, "1", key, String(1e9 / 60_000), "1000000000"];
      socket.write(`*${args.length}\r\n${args.map(bulk).join("")}`);
    });
}

async function redisFigures(): Promise<Figures | string> {
  const sockets = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(REDIS, () => resolve(socket));
          socket.once("error", reject);
        }),
    ),
  ).catch((error: unknown) => (error as Error).message);
  if (typeof sockets === "string") return `Redis not reachable at ${REDIS.host}:${REDIS.port}: ${sockets}`;
  const evals = sockets.map(redisEval);
  const key = `bench:${randomBytes(4).toString("hex")}`;
  try {
    return await measure((i) => (evals[i % 2] as (key: string) => Promise<void>)(key));
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

const local = new LocalRateLimiter().bucket("bench", 1e9, 1e9);
const inProcess = await measure(() => local.take(1));

const pgSchema = `bench_${randomBytes(6).toString("hex")}`;
const options = { databaseUrl: PG_URL, dataDir: tmpdir(), pgSchema };
const [first, second] = [await openDatabase(options), await openDatabase(options)];
const repos = [new SharedLimitsRepo(first.db, pgSchema), new SharedLimitsRepo(second.db, pgSchema)];
const repoOf = (i: number) => repos[i % 2] as SharedLimitsRepo;
const pgBucket = await measure((i) =>
  repoOf(i).take({ key: "bench", perMinute: 1e9, burst: 1e9, probe: false }),
);
const pgLock = await measure((i) => repoOf(i).withLock("bench", async () => {}));
await sql`drop schema ${sql.id(pgSchema)} cascade`.execute(first.db);
await first.close();
await second.close();
const redis = await redisFigures();

console.log(
  `\n${COUNT} operations, ${CONCURRENCY} at once, from two connection pools (two processes' worth)\n`,
);
console.log("| shared state | operations/s | p50 ms | p99 ms |");
console.log("|---|---|---|---|");
const row = (name: string, f: Figures) =>
  console.log(`| ${name} | ${fmt(f.perSecond, 0)} | ${fmt(f.p50Ms, 2)} | ${fmt(f.p99Ms, 2)} |`);
row("token bucket in process memory (one process only)", inProcess);
row("token bucket row in PostgreSQL, one UPDATE per take", pgBucket);
if (typeof redis === "string") console.log(`| token bucket in Redis (Lua) | ${redis} | | |`);
else row("token bucket in Redis, one EVAL per take", redis);
row("PostgreSQL advisory lock, taken and released", pgLock);
