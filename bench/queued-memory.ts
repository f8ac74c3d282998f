/**
 * Resident memory of a gengate process idle and with 10,000 queued predictions (the sim provider
 * is given one slot and an hour of latency, so everything else waits in the queue).
 * Run: node bench/queued-memory.ts [count]
 */
import { BENCH_TOKEN, createPrediction, startBenchGateway } from "./support/gateway-process.ts";
import { fmt, memoryOf, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 10_000);
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));

const gateway = await startBenchGateway("sqlite", {
  GENGATE_SIM_CONCURRENCY: "1",
  GENGATE_SIM_LATENCY: "3600000",
});
try {
  const pid = gateway.child.pid ?? 0;
  await runPool(20, 4, (i) =>
    createPrediction(gateway.url, "sim/image", { prompt: `warm ${i}` }, false).then(() => {}),
  );
  await settle();
  const idle = await memoryOf(pid);
  await runPool(COUNT - 20, 32, (i) =>
    createPrediction(gateway.url, "sim/image", { prompt: `queued ${i}` }, false).then(() => {}),
  );
  await settle();
  const loaded = await memoryOf(pid);
  const page = (await (
    await fetch(`${gateway.url}/v1/predictions`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } })
  ).json()) as {
    results: { status: string }[];
  };
  if (page.results.some((p) => p.status !== "starting"))
    throw new Error("expected every prediction to be waiting");
  console.log(`\nResident memory of gengate serve (SQLite), MiB\n`);
  console.log("| state | RSS | peak RSS |");
  console.log("|---|---|---|");
  console.log(`| idle (20 predictions) | ${fmt(idle.rssMiB)} | ${fmt(idle.peakMiB)} |`);
  console.log(`| ${COUNT} queued predictions | ${fmt(loaded.rssMiB)} | ${fmt(loaded.peakMiB)} |`);
  console.log(`\nwith ${COUNT} queued / idle: ${fmt(loaded.rssMiB / idle.rssMiB, 2)}`);
} finally {
  await gateway.stop();
}
