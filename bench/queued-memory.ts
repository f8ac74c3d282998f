/**
 * Start time and resident memory of `gengate serve` (SQLite, embedded): the time from spawning the
 * process to `/health` answering, resident memory idle, and with 10,000 queued predictions (the
 * sim provider is given one slot and an hour of latency, so everything else waits in the queue).
 * Given another checkout (e.g. `git worktree add --detach /tmp/before main`), measures its code
 * the same way in the same run, alternating.
 * Run: node bench/queued-memory.ts [count] [rounds] [other-checkout]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_TOKEN, createPrediction, startBenchGateway } from "./support/gateway-process.ts";
import { fmt, memoryOf, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const OTHER = process.argv[4];
// Long enough for gengate to find itself idle (src/cli/idle-collector.ts: 10 s of quiet).
const settle = () => new Promise((resolve) => setTimeout(resolve, 13_000));

interface Code {
  name: string;
  bin: string;
  /** Where Node keeps its compile cache for this code, fresh for the run: the first start is a cold one. */
  cacheDir: string | undefined;
  startMs: number[];
  idleMiB: number[];
  queuedMiB?: number;
}

const codes: Code[] = [
  {
    name: "this checkout",
    bin: fileURLToPath(new URL("../bin/gengate.js", import.meta.url)),
    cacheDir: mkdtempSync(join(tmpdir(), "gengate-bench-cache-")),
    startMs: [],
    idleMiB: [],
  },
];
if (OTHER)
  codes.unshift({
    name: OTHER,
    bin: resolve(OTHER, "bin/gengate.js"),
    // The other code runs as it would: a gengate whose bin/gengate.js turns the cache on uses one.
    cacheDir: mkdtempSync(join(tmpdir(), "gengate-bench-cache-")),
    startMs: [],
    idleMiB: [],
  });

const SIM_QUEUE = { GENGATE_SIM_CONCURRENCY: "1", GENGATE_SIM_LATENCY: "3600000" };
const cacheEnv = (code: Code): Record<string, string> =>
  code.cacheDir ? { NODE_COMPILE_CACHE: code.cacheDir } : { NODE_DISABLE_COMPILE_CACHE: "1" };

/** Starts the code's server, times it to `/health` answering, and reads its memory once it is idle. */
async function startAndSettle(code: Code) {
  const spawned = performance.now();
  const gateway = await startBenchGateway("sqlite", { ...SIM_QUEUE, ...cacheEnv(code) }, undefined, code.bin);
  const health = await fetch(`${gateway.url}/health`);
  if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
  const startMs = performance.now() - spawned;
  await runPool(20, 4, (i) =>
    createPrediction(gateway.url, "sim/image", { prompt: `warm ${i}` }, false).then(() => {}),
  );
  await settle();
  return { gateway, startMs, idle: await memoryOf(gateway.child.pid ?? 0) };
}

try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const code of codes) {
      const { gateway, startMs, idle } = await startAndSettle(code);
      code.startMs.push(startMs);
      code.idleMiB.push(idle.rssMiB);
      await gateway.stop();
    }
  }
  for (const code of codes) {
    const { gateway } = await startAndSettle(code);
    try {
      await runPool(COUNT - 20, 32, (i) =>
        createPrediction(gateway.url, "sim/image", { prompt: `queued ${i}` }, false).then(() => {}),
      );
      await settle();
      code.queuedMiB = (await memoryOf(gateway.child.pid ?? 0)).rssMiB;
      const page = (await (
        await fetch(`${gateway.url}/v1/predictions`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } })
      ).json()) as { results: { status: string }[] };
      if (page.results.some((p) => p.status !== "starting"))
        throw new Error("expected every prediction to be waiting");
    } finally {
      await gateway.stop();
    }
  }
} finally {
  for (const code of codes) if (code.cacheDir) rmSync(code.cacheDir, { recursive: true, force: true });
}

const median = (samples: number[]) => percentile(samples, 50);
console.log(`\ngengate serve (SQLite): start to /health answering, and resident memory (MiB)\n`);
console.log(
  `| code | first start ms | later starts ms | idle RSS, each round | idle RSS median | ${COUNT} queued RSS |`,
);
console.log("|---|---|---|---|---|---|");
for (const code of codes) {
  const [first = Number.NaN, ...later] = code.startMs;
  console.log(
    `| ${code.name} | ${fmt(first, 0)} | ${later.map((ms) => fmt(ms, 0)).join(", ")} | ${code.idleMiB.map((m) => fmt(m)).join(", ")} | ${fmt(median(code.idleMiB))} | ${fmt(code.queuedMiB ?? Number.NaN)} |`,
  );
}
const [before, after] = codes;
if (before && after && after !== before)
  console.log(
    `\nthis / other: idle RSS ${fmt(median(after.idleMiB) / median(before.idleMiB), 2)}, ` +
      `later starts ${fmt(median(after.startMs.slice(1)) / median(before.startMs.slice(1)), 2)}, ` +
      `queued RSS ${fmt((after.queuedMiB ?? Number.NaN) / (before.queuedMiB ?? Number.NaN), 2)}`,
  );
