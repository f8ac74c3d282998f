/**
 * Outputs already in memory (what the sim, the local models, base64 outputs and small Replicate
 * downloads give) stored into S3 (s3rver) by this checkout's driver and, given its folder, another
 * checkout's, in one run: the requests each output costs (counted by a proxy in front of the store)
 * and the time per output, `concurrency` at a time. (Azure's copy from a URL cannot pass through
 * such a proxy: `test/storage-drivers.test.ts` shows its one PUT.)
 * Run: node bench/output-puts.ts [count=500] [kib=64] [concurrency=8] [other checkout]
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { BlobStorage } from "../src/storage/blob-storage.ts";
import { type BlobEmulator, startS3rver } from "../test/support/blob-emulators.ts";
import { startDroppingProxy } from "../test/support/dropping-proxy.ts";
import { fmt, runPool } from "./support/stats.ts";

const COUNT = Number(process.argv[2] ?? 500);
const SIZE = Number(process.argv[3] ?? 64) * 1024;
const CONCURRENCY = Number(process.argv[4] ?? 8);
const OTHER = process.argv[5];

interface Checkout {
  name: string;
  openStorage: (env: Record<string, string>) => Promise<BlobStorage>;
}

async function checkoutAt(name: string, root: string): Promise<Checkout> {
  const { openStorage } = await import(resolve(root, "src/storage/open-storage.ts"));
  const { storageTargetOf } = await import(resolve(root, "src/storage/storage-config.ts"));
  return { name, openStorage: (env) => openStorage(storageTargetOf(env.STORAGE_URL, env, "/unused")) };
}

/** The emulator's environment with its origin replaced by a counting proxy's. */
async function proxied(emulator: BlobEmulator) {
  const origin = Object.values(emulator.env)
    .join(" ")
    .match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
  if (!origin) throw new Error(`no loopback origin in ${emulator.driver}'s environment`);
  const proxy = await startDroppingProxy(origin, { drop: () => false, count: 0 });
  const proxyOrigin = new URL(proxy.url).origin;
  const env = Object.fromEntries(
    Object.entries(emulator.env).map(([name, value]) => [name, value.replaceAll(origin, proxyOrigin)]),
  );
  return { env, proxy };
}

const checkouts = [await checkoutAt("this checkout", resolve(import.meta.dirname, ".."))];
if (OTHER) checkouts.push(await checkoutAt(OTHER, OTHER));

console.log(`\n${COUNT} outputs of ${SIZE / 1024} KiB in memory, ${CONCURRENCY} at a time\n`);
console.log("| store | code | requests per output | ms per output (wall) |");
console.log("|---|---|---|---|");
{
  const emulator = await startS3rver();
  const { env, proxy } = await proxied(emulator);
  try {
    for (const checkout of checkouts) {
      const storage = await checkout.openStorage(env);
      const outputs = Array.from({ length: COUNT }, () => randomBytes(SIZE));
      await runPool(20, CONCURRENCY, async () => void (await storage.put(randomBytes(SIZE), "png")));
      const before = proxy.forwarded.length;
      const started = performance.now();
      await runPool(COUNT, CONCURRENCY, async (i) => void (await storage.put(outputs[i] as Buffer, "png")));
      const ms = (performance.now() - started) / COUNT;
      const requests = (proxy.forwarded.length - before) / COUNT;
      console.log(`| ${emulator.driver} | ${checkout.name} | ${fmt(requests, 1)} | ${fmt(ms, 2)} |`);
    }
  } finally {
    await proxy.close();
    await emulator.close();
  }
}
