/**
 * The throughput benchmarks' load: sim/image predictions (64×64 PNG) created with `Prefer: wait`
 * through a gateway's API, after a warm-up, with the wall time and the gateway's CPU time.
 */
import { BENCH_TOKEN, type BenchGateway, createPrediction } from "./gateway-process.ts";
import { cpuSecondsOf, runPool } from "./stats.ts";

const INPUT = { width: 64, height: 64, output_format: "png" };

export interface SimLoad {
  count: number;
  concurrency: number;
  warmUp: number;
  token?: string;
  /** Started after the warm-up, stopped when the load ends: work whose cost belongs to the run. */
  during?: () => { stop(): Promise<unknown> };
}

export interface SimLoadResult {
  perSecond: number;
  /** The gateway process's CPU time (user + system) per prediction, in ms. */
  cpuMs: number;
}

/** Fails when a prediction does not succeed. */
export async function runSimLoad(gateway: BenchGateway, load: SimLoad): Promise<SimLoadResult> {
  const token = load.token ?? BENCH_TOKEN;
  const create = (prompt: string) =>
    createPrediction(gateway.url, "sim/image", { prompt, ...INPUT }, true, token);
  await runPool(load.warmUp, load.concurrency, (i) => create(`warm ${i}`).then(() => {}));
  const side = load.during?.();
  const pid = gateway.child.pid ?? 0;
  const cpuBefore = await cpuSecondsOf(pid);
  const started = performance.now();
  let failed = 0;
  await runPool(load.count, load.concurrency, async (i) => {
    if ((await create(`bench ${i}`)).status !== "succeeded") failed++;
  });
  const seconds = (performance.now() - started) / 1000;
  await side?.stop();
  const cpuMs = ((await cpuSecondsOf(pid)) - cpuBefore) * 1000;
  if (failed > 0) throw new Error(`${failed} predictions did not succeed`);
  return { perSecond: load.count / seconds, cpuMs: cpuMs / load.count };
}
