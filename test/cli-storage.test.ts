/**
 * `gengate storage migrate` copies every stored file from local disk to S3 (s3rver), resumably
 * and verified, switching nothing; `gengate storage check` finds missing files (failing) and
 * orphans. Then gengate, switched to the copy, serves the old outputs from it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStorage } from "../src/storage/open-storage.ts";
import { storageTargetOf } from "../src/storage/storage-config.ts";
import { type BlobEmulator, startS3rver } from "./support/blob-emulators.ts";
import { cliEnv, runCli } from "./support/cli-process.ts";
import { startGateway } from "./support/gateway.ts";

let s3: BlobEmulator;
const dataDir = mkdtempSync(join(tmpdir(), "gengate-cli-storage-"));

beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sorted = async (keys: AsyncIterable<string>) => {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all.sort();
};

it("copies the files to S3, resumes, checks them, and the copy serves once switched to", async () => {
  const local = await startGateway({}, dataDir);
  const outputs: string[] = [];
  for (const prompt of ["one", "two", "three"]) {
    const answer = await local.api("/v1/models/sim/image/predictions", {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "wait" },
      body: JSON.stringify({ input: { prompt, width: 64, height: 64 } }),
    });
    outputs.push(...((await answer.json()) as { output: string[] }).output);
  }
  const form = new FormData();
  form.append("content", new Blob(["some upload"], { type: "text/plain" }), "a.txt");
  expect((await local.api("/v1/files", { method: "POST", body: form })).status).toBe(201);
  await local.close();

  const localFiles = await openStorage(storageTargetOf(undefined, {}, dataDir));
  const s3Files = await openStorage(storageTargetOf(s3.env.STORAGE_URL, s3.env, dataDir));
  const stored = await sorted(localFiles.keys());
  expect(stored).toHaveLength(4);
  const env = cliEnv({ ...s3.env, STORAGE_URL: "", GENGATE_DATA_DIR: dataDir });
  const migrate = ["storage", "migrate", "--to", s3.env.STORAGE_URL ?? ""];

  const first = await runCli(migrate, { env });
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toMatch(/^4 copied, 0 already there, 0 failed$/m);
  expect(first.stderr).toMatch(/nothing was switched: set STORAGE_URL=s3:\/\/outputs\/gengate/);
  expect(await sorted(s3Files.keys())).toEqual(stored);

  await s3Files.delete(stored[0] ?? "");
  const resumed = await runCli([...migrate, "--verify"], { env });
  expect(resumed.stdout).toMatch(/^1 copied, 3 already there, 0 failed$/m);

  const check = await runCli(["storage", "check"], { env: { ...env, STORAGE_URL: s3.env.STORAGE_URL } });
  expect(check.code, check.stderr).toBe(0);
  expect(check.stdout).toMatch(/^4 referenced, 4 stored, 0 missing, 0 orphans$/m);

  const missingKey = stored[1] ?? "";
  await s3Files.delete(missingKey);
  const orphan = await s3Files.put(Buffer.from("nobody's"), "bin");
  const broken = await runCli(["storage", "check"], { env: { ...env, STORAGE_URL: s3.env.STORAGE_URL } });
  expect(broken.code).not.toBe(0);
  expect(broken.stdout).toMatch(/^4 referenced, 4 stored, 1 missing, 1 orphans$/m);
  expect(broken.stdout).toContain(`missing:\n  ${missingKey}\n`);
  expect(broken.stdout).toContain(`orphans (referenced by nothing):\n  ${orphan.key}\n`);
  expect(broken.stderr).toMatch(/1 referenced files are missing/);

  const repaired = await runCli(migrate, { env });
  expect(repaired.stdout).toMatch(/^1 copied, 3 already there, 0 failed$/m);
  const switched = await startGateway(s3.env, dataDir);
  try {
    for (const link of outputs) {
      const fresh = new URL(link);
      const answer = await fetch(`${switched.url}${fresh.pathname}${fresh.search}`);
      expect(answer.status).toBe(200);
    }
  } finally {
    await switched.close();
  }
});
