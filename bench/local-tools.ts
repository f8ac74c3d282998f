/**
 * The local tools on this machine, through the HTTP API of a `gengate serve` child process:
 * seconds per image and the process's peak memory for each tool at 512×512 and 1024×1024 inputs
 * (a fresh process with one worker per case, so each peak is that tool's own), then the latency
 * of a cheap request (GET /v1/predictions/{id}) while tools keep every worker busy, against idle.
 * Run: node bench/local-tools.ts [warm runs per case, default 1]
 */
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { BENCH_TOKEN, startBenchGateway } from "./support/gateway-process.ts";
import { predictUntilEnded } from "./support/predictions.ts";
import { fmt, memoryOf, percentile } from "./support/stats.ts";

const RUNS = Number(process.argv[2] ?? 1);
const SIZES = [512, 1024] as const;

interface Case {
  name: string;
  model: string;
  input: Record<string, unknown>;
}

const CUTOUT: Case = { name: "remove-background (ISNet)", model: "local/remove-background", input: {} };
const SLIM_X2: Case = {
  name: "upscale ×2 balanced (ESRGAN slim)",
  model: "local/upscale",
  input: { scale: 2 },
};
const CASES: Case[] = [
  CUTOUT,
  SLIM_X2,
  { name: "upscale ×4 balanced (ESRGAN slim)", model: "local/upscale", input: { scale: 4 } },
  { name: "upscale ×2 quality (ESRGAN medium)", model: "local/upscale", input: { quality: "quality" } },
  { name: "upscale ×2 fast (Lanczos)", model: "local/upscale", input: { quality: "fast" } },
  { name: "upscale ×4 fast (Lanczos)", model: "local/upscale", input: { scale: 4, quality: "fast" } },
];

const astronaut = readFileSync(new URL("../test/fixtures/astronaut.jpg", import.meta.url));
const images = new Map<number, string>();
for (const size of SIZES) {
  const png = await sharp(astronaut).resize(size, size, { kernel: "lanczos3" }).png().toBuffer();
  images.set(size, `data:image/png;base64,${png.toString("base64")}`);
}

async function timed(url: string, test: Case, size: number) {
  const started = performance.now();
  const prediction = await predictUntilEnded(url, test.model, { ...test.input, image: images.get(size) });
  const seconds = (performance.now() - started) / 1000;
  return { prediction, seconds };
}

async function measureCase(test: Case, size: number): Promise<string> {
  const gateway = await startBenchGateway("sqlite", { LOCAL_CONCURRENCY: "1" });
  try {
    const pid = gateway.child.pid ?? 0;
    const idle = await memoryOf(pid);
    const row = `| ${test.name} | ${size}×${size} |`;
    // An image over a tool's cap is refused when the prediction is created.
    const cold = await timed(gateway.url, test, size).catch((error: Error) => {
      if (!error.message.startsWith("create answered 422")) throw error;
      return error;
    });
    if (cold instanceof Error) return `${row} refused (over the tool's size cap) | | | | |`;
    if (cold.prediction.status !== "succeeded") return `${row} ${cold.prediction.error} | | | | |`;
    const warm: number[] = [];
    const predict: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { prediction, seconds } = await timed(gateway.url, test, size);
      warm.push(seconds);
      predict.push(prediction.metrics.predict_time ?? Number.NaN);
    }
    const { peakMiB } = await memoryOf(pid);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    return `${row} ${fmt(cold.seconds, 2)} | ${fmt(mean(warm), 2)} | ${fmt(mean(predict), 2)} | ${fmt(peakMiB, 0)} | ${fmt(idle.rssMiB, 0)} |`;
  } finally {
    await gateway.stop();
  }
}

async function getLatencies(url: string, id: string, keepGoing: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  while (keepGoing()) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/predictions/${id}`, {
      headers: { authorization: `Bearer ${BENCH_TOKEN}` },
    });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return samples;
}

/** Idle first, then while two cut-outs and two ESRGAN enlargements of 1024×1024 images run at once. */
async function measureLatency(): Promise<string[]> {
  const gateway = await startBenchGateway("sqlite");
  try {
    const target = await predictUntilEnded(gateway.url, "local/upscale", {
      image: images.get(512),
      quality: "fast",
    });
    let idleCount = 0;
    const idle = await getLatencies(gateway.url, target.id, () => idleCount++ < 300);
    let busy = true;
    const work = Promise.all(
      [CUTOUT, CUTOUT, SLIM_X2, SLIM_X2].map((test) => timed(gateway.url, test, 1024)),
    ).finally(() => {
      busy = false;
    });
    const during = await getLatencies(gateway.url, target.id, () => busy);
    const runs = await work;
    const row = (name: string, samples: number[]) =>
      `| ${name} | ${samples.length} | ${fmt(percentile(samples, 50), 1)} | ${fmt(percentile(samples, 99), 1)} | ${fmt(Math.max(...samples), 1)} |`;
    const slowest = Math.max(...runs.map((r) => r.seconds));
    return [
      "| gateway | requests | p50 ms | p99 ms | max ms |",
      "|---|---|---|---|---|",
      row("idle", idle),
      row(`2 workers busy for ${fmt(slowest, 0)} s (2 cut-outs + 2 ESRGAN ×2, 1024×1024)`, during),
    ];
  } finally {
    await gateway.stop();
  }
}

const rows: string[] = [];
for (const test of CASES) {
  for (const size of SIZES) {
    rows.push(await measureCase(test, size));
    console.error(rows.at(-1));
  }
}
const latency = await measureLatency();
console.log(`\nLocal tools, one worker per gateway, ${RUNS} warm run(s) per case after a cold one\n`);
console.log("| tool | input | cold s | warm s/image | worker s | peak RSS MiB | idle RSS MiB |");
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log(`\nGET /v1/predictions/{id} latency, default pool (one worker per core)\n`);
for (const line of latency) console.log(line);
