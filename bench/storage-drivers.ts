/**
 * Blob drivers side by side in one run: `count` distinct outputs of `mib` MiB each streamed into
 * local disk, S3 (s3rver) and Azure Blob (Azurite), read back as a stream and deleted, `concurrency`
 * at a time, with this process's resident memory sampled every 100 ms. The stores run in processes
 * of their own, so the memory measured is the driver's (and the benchmark's) only.
 * Run: node bench/storage-drivers.ts [count=1000] [mib=5] [concurrency=4]
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "../src/storage/open-storage.ts";
import { storageTargetOf } from "../src/storage/storage-config.ts";
import type { BlobEmulator } from "../test/support/blob-emulators.ts";
import { startAzurite, startS3rver } from "../test/support/blob-emulators.ts";
import { randomStream } from "../test/support/random-stream.ts";
import { fmt, percentile, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 1000);
const SIZE = Number(process.argv[3] ?? 5) * 1024 * 1024;
const CONCURRENCY = Number(process.argv[4] ?? 4);
/** Memory counts once the first tenth of the outputs has warmed the process up. */
const WARM_SHARE = 0.1;
const MIB = 1024 * 1024;

interface Sample {
  /** Outputs done when it was taken. */
  done: number;
  rssMiB: number;
}

interface Result {
  driver: string;
  seconds: number;
  samples: Sample[];
}

async function startLocal(): Promise<BlobEmulator> {
  const dir = mkdtempSync(join(tmpdir(), "gengate-bench-files-"));
  return {
    driver: "local",
    env: { STORAGE_URL: `file://${dir}` },
    objects: async () => [],
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function measure(start: () => Promise<BlobEmulator>): Promise<Result> {
  const store = await start();
  try {
    const storage = await openStorage(storageTargetOf(store.env.STORAGE_URL, store.env, tmpdir()));
    const samples: Sample[] = [];
    let done = 0;
    const sampler = setInterval(() => {
      if (done >= COUNT * WARM_SHARE) samples.push({ done, rssMiB: process.memoryUsage().rss / MIB });
    }, 100);
    const started = performance.now();
    try {
      await runPool(COUNT, CONCURRENCY, async () => {
        const stored = await storage.put(randomStream(SIZE, randomBytes(32)), "png");
        let read = 0;
        for await (const chunk of await storage.open(stored.key)) read += (chunk as Buffer).length;
        if (stored.size !== SIZE || read !== SIZE)
          throw new Error(`${stored.key}: ${stored.size} stored, ${read} read`);
        await storage.delete(stored.key);
        done++;
      });
    } finally {
      clearInterval(sampler);
    }
    return { driver: store.driver, seconds: (performance.now() - started) / 1000, samples };
  } finally {
    await store.close();
  }
}

const results: Result[] = [];
for (const start of [startLocal, startS3rver, startAzurite]) results.push(await measure(start));

/** Median RSS of the samples taken while the outputs done were in [from, to) of COUNT. */
const medianBetween = (samples: Sample[], from: number, to: number) =>
  percentile(
    samples.filter((s) => s.done >= from * COUNT && s.done < to * COUNT).map((s) => s.rssMiB),
    50,
  );

console.log(
  `\n${COUNT} outputs of ${fmt(SIZE / MIB, 0)} MiB per driver, ${CONCURRENCY} at a time: each streamed in, read back as a stream, deleted\n`,
);
console.log(
  "| driver | seconds | outputs/s | MiB/s in + out | RSS MiB at 10–20% | RSS MiB at 90–100% | change | RSS MiB min–max (after 10%) |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const { driver, seconds, samples } of results) {
  const early = medianBetween(samples, 0.1, 0.2);
  const late = medianBetween(samples, 0.9, 1.01);
  const rss = samples.map((s) => s.rssMiB);
  console.log(
    `| ${driver} | ${fmt(seconds)} | ${fmt(COUNT / seconds)} | ${fmt((2 * COUNT * SIZE) / MIB / seconds)} | ${fmt(early)} | ${fmt(late)} | ${late >= early ? "+" : ""}${fmt(((late - early) / early) * 100)}% | ${fmt(Math.min(...rss))}–${fmt(Math.max(...rss))} |`,
  );
}
