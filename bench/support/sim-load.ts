/**
 * The throughput benchmarks' load: sim/image predictions (64×64 PNG) created with `Prefer: wait`
 * through a gateway's API, after a warm-up, with the wall time and the gateway's CPU time.
 */
import { BENCH_TOKEN, type BenchGateway, createPrediction } from "./gateway-process.ts";
import { cpuSecondsOf, runPool } from "./stats.ts";

/** The throughput benchmarks' picture. */
export const SIM_IMAGE_INPUT = { width: 64, height: 64, output_format: "png" };

/** Creates a sim/image prediction on `url` with `Prefer: wait`; fails unless it succeeded. */
export async function simImageSucceeds(url: string, prompt: string, token = BENCH_TOKEN): Promise<void> {
  const prediction = await createPrediction(url, "sim/image", { prompt, ...SIM_IMAGE_INPUT }, true, token);
  if (prediction.status !== "succeeded")
    throw new Error(`prediction ${prediction.id} on ${url} ${prediction.status}`);
}

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
  const create = (prompt: string) => simImageSucceeds(gateway.url, prompt, load.token);
  await runPool(load.warmUp, load.concurrency, (i) => create(`warm ${i}`));
  const side = load.during?.();
  const pid = gateway.child.pid ?? 0;
  const cpuBefore = await cpuSecondsOf(pid);
  const started = performance.now();
  await runPool(load.count, load.concurrency, (i) => create(`bench ${i}`));
  const seconds = (performance.now() - started) / 1000;
  await side?.stop();
  const cpuMs = ((await cpuSecondsOf(pid)) - cpuBefore) * 1000;
  return { perSecond: load.count / seconds, cpuMs: cpuMs / load.count };
}
