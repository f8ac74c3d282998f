/**
 * kill -9 in the middle of a multipart upload of an output to S3 (s3rver): nothing half-written
 * is ever under a content key, and after a restart the prediction's output is collected again,
 * whole. A proxy in front of s3rver lets the second part reach it and holds its answer, so the
 * process dies with the upload surely under way.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { type BlobEmulator, startS3rver } from "./support/blob-emulators.ts";
import { type DroppingProxy, startDroppingProxy } from "./support/dropping-proxy.ts";
import { signedFileLink } from "./support/file-link.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";
import { until } from "./support/until.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gengate-storage-crash-"));
const processes: ServeProcess[] = [];
let fake: FakeReplicate | undefined;
let s3: BlobEmulator | undefined;
let proxy: DroppingProxy | undefined;

afterAll(async () => {
  for (const { child } of processes) child.kill("SIGKILL");
  await proxy?.close();
  await fake?.close();
  await s3?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const authed = { authorization: `Bearer ${TEST_TOKEN}` };
const CONTENT_KEY = /^gengate\/[a-f0-9]{64}\.png$/;

/** A PNG of noise, which does not compress: the model's output from it is over 10 MB. */
async function noisePng(side: number): Promise<Buffer> {
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

async function statusOf(url: string, id: string) {
  const response = await fetch(`${url}/v1/predictions/${id}`, { headers: authed });
  return (await response.json()) as { status: string; output: string[] | null; error: string | null };
}

it("never serves a half-written object and collects the output again after kill -9", async () => {
  s3 = await startS3rver();
  fake = await startFakeReplicate({ latencyMs: { min: 5, max: 20 } });
  const holdSecondPart = (r: { method: string; path: string }) =>
    r.method === "PUT" && /[?&]partNumber=2(&|$)/.test(r.path);
  proxy = await startDroppingProxy(s3.env.S3_ENDPOINT ?? "", { drop: holdSecondPart, hold: true });
  const env = {
    ...s3.env,
    GENGATE_DATA_DIR: dataDir,
    GENGATE_ADMIN_TOKEN: TEST_TOKEN,
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
  };
  const first = await spawnServe({ ...env, S3_ENDPOINT: proxy.url });
  processes.push(first);

  const form = new FormData();
  form.append(
    "content",
    new Blob([new Uint8Array(await noisePng(1024))], { type: "image/png" }),
    "noise.png",
  );
  const file = (await (
    await fetch(`${first.url}/v1/files`, { method: "POST", headers: authed, body: form })
  ).json()) as {
    urls: { get: string };
  };
  const created = await fetch(`${first.url}/v1/models/stability-ai/sdxl/predictions`, {
    method: "POST",
    headers: authed,
    body: JSON.stringify({ input: { prompt: "noise", image: file.urls.get, width: 2048, height: 2048 } }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  // The second part is in s3rver, its answer held: the upload is under way, not complete.
  await until(() => (proxy?.dropped.length ? true : undefined));
  first.child.kill("SIGKILL");
  expect(await first.exited).toBe("SIGKILL");
  expect((await s3.objects()).filter((key) => CONTENT_KEY.test(key))).toEqual([]);

  const second = await spawnServe(env);
  processes.push(second);
  const done = await until(async () => {
    const prediction = await statusOf(second.url, id);
    return ["starting", "processing"].includes(prediction.status) ? undefined : prediction;
  });
  expect(done.error).toBeNull();
  expect(done.status).toBe("succeeded");
  const link = done.output?.[0] ?? "";
  expect(link).toMatch(signedFileLink(second.url, "png"));
  const answer = await fetch(link);
  expect(answer.status).toBe(200);
  const bytes = Buffer.from(await answer.arrayBuffer());
  expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024);
  expect(Number(answer.headers.get("content-length"))).toBe(bytes.length);
  const key = new URL(link).pathname.split("/").pop() ?? "";
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(key.slice(0, 64));
  const objects = await s3.objects();
  expect(objects.filter((name) => CONTENT_KEY.test(name))).toEqual([`gengate/${key}`]);
  expect(objects.filter((name) => name.startsWith("gengate/tmp/"))).toEqual([]);
  // Collected again from the same upstream run, not run (and paid for) twice.
  expect(fake.predictions().filter((p) => p.input.prompt === "noise")).toHaveLength(1);
}, 90_000);
