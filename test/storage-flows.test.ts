/**
 * The gateway's core flows on each blob driver (local disk, S3 on s3rver, Azure Blob on Azurite):
 * a prediction's outputs, a batch and its zip, a LoRA's photos and weights, file uploads; each
 * file stored in the driver and read back through signed links, with ranges, ETags and redirects.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BatchJson } from "../src/core/batch-json.ts";
import type { LoraJson } from "../src/core/lora-json.ts";
import { jpegFiles, noisyPng } from "../src/engine/training/photos/test-fixtures.ts";
import type { BlobStorage } from "../src/storage/blob-storage.ts";
import { openStorage } from "../src/storage/open-storage.ts";
import { storageTargetOf } from "../src/storage/storage-config.ts";
import { forgedFileLink, signedFileLink } from "./support/file-link.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { describeEachDriver } from "./support/storage-drivers.ts";
import { until } from "./support/until.ts";
import { zipNames } from "./support/zip-names.ts";

const SMALL = { width: 64, height: 64 };
const json = { "content-type": "application/json" };

const keyOf = (link: string) => new URL(link).pathname.split("/").pop() ?? "";
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function bytesAt(link: string): Promise<Buffer> {
  const answer = await fetch(link);
  expect(answer.status, link).toBe(200);
  return Buffer.from(await answer.arrayBuffer());
}

describeEachDriver("the core flows", (store) => {
  let gateway: TestGateway;
  let driver: BlobStorage;

  beforeAll(async () => {
    gateway = await startGateway({ ...store().env, GENGATE_SIM_TRAINING_MS: "200" });
    driver = await openStorage(storageTargetOf(store().env.STORAGE_URL, store().env, gateway.dataDir));
  });
  afterAll(() => gateway?.close());

  async function predict(input: Record<string, unknown>): Promise<{ id: string; output: string[] }> {
    const answer = await gateway.api("/v1/models/sim/image/predictions", {
      method: "POST",
      headers: { ...json, prefer: "wait" },
      body: JSON.stringify({ input: { ...SMALL, ...input } }),
    });
    const prediction = (await answer.json()) as { id: string; status: string; output: string[] };
    expect(prediction.status).toBe("succeeded");
    return prediction;
  }

  it("stores a prediction's outputs in the driver and serves them whole, by range and by ETag", async () => {
    const { output } = await predict({ prompt: "a red fox", num_outputs: 2, output_format: "png" });
    expect(output).toHaveLength(2);
    for (const link of output) {
      expect(link).toMatch(signedFileLink(gateway.url, "png"));
      const key = keyOf(link);
      const answer = await fetch(link);
      const bytes = Buffer.from(await answer.arrayBuffer());
      expect(sha256(bytes)).toBe(key.slice(0, 64));
      expect(answer.headers.get("content-type")).toBe("image/png");
      expect(answer.headers.get("content-length")).toBe(String(bytes.length));
      expect(answer.headers.get("etag")).toBe(`"${key.slice(0, 64)}"`);
      expect(answer.headers.get("cache-control")).toMatch(/^private, max-age=\d+, immutable$/);
      expect(await driver.stat(key)).toEqual({ size: bytes.length });

      const range = await fetch(link, { headers: { range: "bytes=8-23" } });
      expect(range.status).toBe(206);
      expect(range.headers.get("content-range")).toBe(`bytes 8-23/${bytes.length}`);
      expect(Buffer.from(await range.arrayBuffer())).toEqual(bytes.subarray(8, 24));
      const tail = await fetch(link, { headers: { range: "bytes=-4" } });
      expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(-4));
      const outside = await fetch(link, { headers: { range: `bytes=${bytes.length}-` } });
      expect(outside.status).toBe(416);
      expect(outside.headers.get("content-range")).toBe(`bytes */${bytes.length}`);

      const cached = await fetch(link, { headers: { "if-none-match": `"${key.slice(0, 64)}"` } });
      expect(cached.status).toBe(304);
      const head = await fetch(link, { method: "HEAD" });
      expect([head.status, head.headers.get("content-length")]).toEqual([200, String(bytes.length)]);
    }
    // One output stored once: the same bytes again get the same key, and the same link for a while.
    const again = await predict({ prompt: "a red fox", num_outputs: 2, output_format: "png", seed: 1 });
    const repeat = await predict({ prompt: "a red fox", num_outputs: 2, output_format: "png", seed: 1 });
    expect(repeat.output).toEqual(again.output);
  });

  it("zips a batch's outputs from the driver", async () => {
    const created = await gateway.api("/v1/batches", {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        model: "sim/image",
        input: SMALL,
        name_template: "{index}.{ext}",
        items: [{ input: { prompt: "a boat" } }, { input: { prompt: "a plane" } }],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as BatchJson;
    const batch = await until(async () => {
      const current = (await (await gateway.api(`/v1/batches/${id}`)).json()) as BatchJson;
      return current.status === "processing" ? undefined : current;
    });
    expect(batch.counts).toMatchObject({ total: 2, succeeded: 2 });
    const outputs = (batch.items ?? []).flatMap((item) => item.outputs);
    for (const output of outputs)
      expect(sha256(await bytesAt(output.url))).toBe(keyOf(output.url).slice(0, 64));
    const archive = await gateway.api(`/v1/batches/${id}/archive`);
    expect(archive.status).toBe(200);
    expect(await zipNames(Buffer.from(await archive.arrayBuffer()))).toEqual(outputs.map((o) => o.name));
  });

  it("keeps a LoRA's photos and weights in the driver", async () => {
    const form = new FormData();
    form.append("name", `face-${store().driver}`);
    form.append("trigger_word", "FACE");
    form.append("samples", "1");
    for (const photo of await jpegFiles(4))
      form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
    const created = await gateway.api("/v1/loras", { method: "POST", body: form });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as LoraJson;
    const lora = await until(async () => {
      const current = (await (await gateway.api(`/v1/loras/${id}`)).json()) as LoraJson;
      return ["ready", "failed", "canceled"].includes(current.status) ? current : undefined;
    });
    expect([lora.status, lora.error]).toEqual(["ready", null]);
    const zipKey = (await gateway.store.loras.get(id))?.zipKey ?? "";
    expect((await driver.stat(zipKey))?.size).toBeGreaterThan(0);
    expect(lora.weights).toMatch(signedFileLink(gateway.url, "safetensors"));
    const weights = await bytesAt(lora.weights ?? "");
    expect(weights.readBigUInt64LE(0)).toBeGreaterThan(0n);
    const sample = [lora.samples[0]?.output].flat()[0] as string;
    expect(sha256(await bytesAt(sample))).toBe(keyOf(sample).slice(0, 64));
  });

  it("keeps uploads in the driver, read by their owner and by models, until deleted", async () => {
    const image = await noisyPng(32, 32);
    const form = new FormData();
    form.append("content", new Blob([new Uint8Array(image)], { type: "image/png" }), "in.png");
    const uploaded = await gateway.api("/v1/files", { method: "POST", body: form });
    expect(uploaded.status).toBe(201);
    const file = (await uploaded.json()) as { id: string; urls: { get: string } };
    const key = `uploads/${sha256(image)}.png`;
    expect(await driver.stat(key)).toEqual({ size: image.length });
    const download = await gateway.api(`/v1/files/${file.id}/download`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(image);
    await predict({ prompt: "from my photo", image: file.urls.get });
    expect((await gateway.api(`/v1/files/${file.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await driver.stat(key)).toBeNull();
  });

  it("with STORAGE_SERVE=redirect, sends links to a short-lived URL of the store (local files are streamed)", async () => {
    const redirecting = await startGateway({ ...store().env, STORAGE_SERVE: "redirect" });
    try {
      const answer = await redirecting.api("/v1/models/sim/image/predictions", {
        method: "POST",
        headers: { ...json, prefer: "wait" },
        body: JSON.stringify({ input: { ...SMALL, prompt: "redirected" } }),
      });
      const link = ((await answer.json()) as { output: string[] }).output[0] ?? "";
      const first = await fetch(link, { redirect: "manual" });
      if (store().driver === "local") {
        expect(first.status).toBe(200);
        return;
      }
      expect(first.status).toBe(302);
      const location = first.headers.get("location") ?? "";
      expect(new URL(location).origin).not.toBe(new URL(redirecting.url).origin);
      const bytes = await bytesAt(location);
      expect(sha256(bytes)).toBe(keyOf(link).slice(0, 64));
      // An invalid link is refused before any redirect.
      expect((await fetch(forgedFileLink(link), { redirect: "manual" })).status).toBe(403);
    } finally {
      await redirecting.close();
    }
  });
});
