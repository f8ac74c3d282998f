/**
 * Latency a gateway adds: the same sim prediction called directly in one process (start, poll,
 * read the image bytes) versus through the HTTP API with `Prefer: wait` (output stored, URL
 * returned), one request at a time, side by side in one run.
 * Run: node bench/wait-latency.ts [count]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { limitsOf } from "../src/engine/cluster/process-state.ts";
import { providerEnvironment } from "../src/engine/provider-environment.ts";
import { isOutputFile, type Provider, type ProviderContext } from "../src/providers/provider.ts";
import { createProvider } from "../src/providers/registry.ts";
import { createStore, openDatabase } from "../src/store/index.ts";
import { createPrediction, startBenchGateway } from "./support/gateway-process.ts";
import { fmt, percentile } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 300);
const WARMUP = 20;
const INPUT = {
  width: 64,
  height: 64,
  output_format: "png",
  output_quality: 80,
  num_outputs: 1,
  latency_ms: 0,
};

async function directSamples(): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-bench-direct-"));
  // Its journal in the SQLite database of its own data folder, as `gengate serve` would keep it.
  const database = await openDatabase({ dataDir });
  const logger = { info() {}, warn() {} };
  const environment = providerEnvironment(createStore(database), limitsOf(database), { dataDir, logger });
  const sim = createProvider("sim", {}, environment, { path: undefined, providers: {} }) as Provider;
  const ctx: ProviderContext = { readInput: () => Promise.reject(new Error("no file inputs")) };
  const samples: number[] = [];
  try {
    for (let i = 0; i < COUNT + WARMUP; i++) {
      const started = performance.now();
      const { operation } = await sim.start(
        {
          predictionId: `direct-${i}`,
          submitId: `s-${i}`,
          providerModel: "image",
          input: { prompt: `p ${i}`, ...INPUT },
        },
        ctx,
      );
      let status = await sim.status(operation, ctx);
      while (status.state !== "succeeded") {
        await new Promise((resolve) => setTimeout(resolve, status.nextPollMs ?? 10));
        status = await sim.status(operation, ctx);
      }
      for (const file of (status.output as unknown[]).filter(isOutputFile)) {
        const data = await file.open();
        if (!(data instanceof Uint8Array)) await buffer(data);
      }
      if (i >= WARMUP) samples.push(performance.now() - started);
    }
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return samples;
}

async function gatewaySamples(): Promise<number[]> {
  const gateway = await startBenchGateway("sqlite", { GENGATE_SIM_LATENCY: "0" });
  const samples: number[] = [];
  try {
    for (let i = 0; i < COUNT + WARMUP; i++) {
      const started = performance.now();
      const prediction = await createPrediction(
        gateway.url,
        "sim/image",
        { prompt: `p ${i}`, ...INPUT },
        true,
      );
      if (prediction.status !== "succeeded")
        throw new Error(`prediction ${prediction.id} ended ${prediction.status}`);
      if (i >= WARMUP) samples.push(performance.now() - started);
    }
  } finally {
    await gateway.stop();
  }
  return samples;
}

const direct = await directSamples();
const viaGateway = await gatewaySamples();
const row = (name: string, samples: number[]) =>
  `| ${name} | ${fmt(percentile(samples, 50), 2)} | ${fmt(percentile(samples, 99), 2)} |`;
console.log(`\n${COUNT} sequential sim/image predictions (64x64 PNG, zero model latency), ms\n`);
console.log("| path | p50 | p99 |");
console.log("|---|---|---|");
console.log(row("sim provider called directly, in process", direct));
console.log(row("gengate API, Prefer: wait (SQLite)", viaGateway));
const added = (p: number) => percentile(viaGateway, p) - percentile(direct, p);
console.log(
  `\nadded by gengate: p50 ${fmt(added(50), 2)} ms, p99 ${fmt(added(99), 2)} ms; ratio p50 ${fmt(percentile(viaGateway, 50) / percentile(direct, 50), 2)}`,
);
