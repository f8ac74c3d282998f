/**
 * Runs a suite once per blob driver: local disk (a temporary folder), S3 (s3rver), Azure Blob
 * (Azurite) and, when `GENGATE_TEST_S3_URL` names one, a real S3-compatible server, each started
 * for the suite and stopped after it. An emulator that is not installed skips its suite
 * with a message, or fails it with GENGATE_REQUIRE_BACKENDS=1.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { REQUIRE_BACKENDS } from "./backends.ts";
import { type BlobEmulator, startAzurite, startS3rver } from "./blob-emulators.ts";
import { REAL_S3_URL, startRealS3 } from "./real-s3.ts";

export type DriverName = BlobEmulator["driver"];

const require = createRequire(import.meta.url);
const missing = (name: string) => {
  try {
    require.resolve(name);
    return undefined;
  } catch {
    return `${name} is not installed (npm install runs it)`;
  }
};

async function startLocal(): Promise<BlobEmulator> {
  const dir = mkdtempSync(join(tmpdir(), "gengate-files-"));
  return {
    driver: "local",
    env: { STORAGE_URL: `file://${dir}` },
    objects: async () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
        .sort(),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

interface DriverRun {
  driver: DriverName;
  /** How the suite names it, when not just by the driver. */
  label?: string;
  unavailable: string | undefined;
  start: () => Promise<BlobEmulator>;
}

const DRIVERS: DriverRun[] = [
  { driver: "local", unavailable: undefined, start: startLocal },
  { driver: "s3", unavailable: missing("s3rver"), start: startS3rver },
  { driver: "azblob", unavailable: missing("azurite/dist/src/blob/main.js"), start: startAzurite },
  // A real S3-compatible server too, where one is reachable.
  ...(REAL_S3_URL
    ? [{ driver: "s3" as const, label: "s3, real", unavailable: undefined, start: () => startRealS3() }]
    : []),
];

for (const { driver, unavailable } of DRIVERS) {
  if (unavailable && !REQUIRE_BACKENDS)
    process.stderr.write(`SKIPPED: ${driver} storage suites (${unavailable})\n`);
}

/** Declares `fn`'s tests once per driver, under `title [driver]`, with the store running for them. */
export function describeEachDriver(title: string, fn: (store: () => BlobEmulator) => void): void {
  for (const { driver, label, unavailable, start } of DRIVERS) {
    const name = `${title} [${label ?? driver}]`;
    if (unavailable) {
      if (REQUIRE_BACKENDS)
        describe(name, () => {
          it(`needs ${driver} (GENGATE_REQUIRE_BACKENDS=1)`, () => {
            throw new Error(unavailable);
          });
        });
      else
        describe.skip(name, () =>
          fn(() => {
            throw new Error(unavailable);
          }),
        );
      continue;
    }
    describe(name, () => {
      let emulator: BlobEmulator | undefined;
      beforeAll(async () => {
        emulator = await start();
      });
      afterAll(async () => {
        await emulator?.close();
      });
      fn(() => {
        if (!emulator) throw new Error(`the ${driver} store has not started`);
        return emulator;
      });
    });
  }
}
