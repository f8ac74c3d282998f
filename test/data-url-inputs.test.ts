/**
 * File inputs sent as data URLs are stored as the client's uploads and shown as their links, so a
 * page of 100 predictions stays small; the model still gets the bytes, and the links work for the
 * client only.
 */
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newTenant, startGateway, type TestGateway } from "./support/gateway.ts";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(() => gateway.close());

/** A PNG of about 10 KB (random pixels do not compress). */
function noisyPng(): Promise<Buffer> {
  return sharp(randomBytes(56 * 56 * 3), { raw: { width: 56, height: 56, channels: 3 } })
    .png()
    .toBuffer();
}

interface PredictionJson {
  id: string;
  status: string;
  input: { image: string; mask?: string };
}

describe("data URL inputs", () => {
  it("are stored as the client's files and shown as links, so a page of 100 stays small", async () => {
    const images = await Promise.all(Array.from({ length: 100 }, () => noisyPng()));
    expect(Math.min(...images.map((image) => image.length))).toBeGreaterThan(9_000);
    const created: PredictionJson[] = [];
    for (const image of images) {
      const response = await gateway.api("/v1/models/sim/image/predictions", {
        method: "POST",
        body: JSON.stringify({
          input: {
            prompt: "x",
            width: 64,
            height: 64,
            image: `data:image/png;base64,${image.toString("base64")}`,
          },
        }),
      });
      expect(response.status).toBe(201);
      created.push((await response.json()) as PredictionJson);
    }
    const page = await gateway.api("/v1/predictions");
    const text = await page.text();
    expect((JSON.parse(text) as { results: unknown[] }).results).toHaveLength(100);
    // 100 inline images would be over 1.2 MB.
    expect(text.length).toBeLessThan(150_000);

    const [first] = created;
    expect(first?.input.image).toMatch(new RegExp(`^${gateway.url}/v1/files/[a-z0-9]+$`));
    const download = await gateway.api(`${new URL(first?.input.image ?? "").pathname}/download`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(images[0]);
    const stranger = await newTenant(gateway, "stranger");
    expect((await stranger.api(new URL(first?.input.image ?? "").pathname)).status).toBe(404);

    // The model read the bytes through the link: the sim draws the reference image (or fails).
    const done = await gateway.engine.waitFor(first?.id ?? "", 10_000);
    expect([done.state, done.error]).toEqual(["succeeded", null]);
  });

  it("in a field that holds no file stay text", async () => {
    const prompt = "data:text/plain,a prompt that looks like a data URL";
    const response = await gateway.api("/v1/models/sim/image/predictions", {
      method: "POST",
      body: JSON.stringify({ input: { prompt, width: 64, height: 64 } }),
    });
    expect(((await response.json()) as { input: { prompt: string } }).input.prompt).toBe(prompt);
  });

  it("shared by a batch's items are stored once, and each item runs with the bytes", async () => {
    const image = await noisyPng();
    const before = (await gateway.store.files.list({ limit: 1000 })).length;
    const response = await gateway.api("/v1/batches", {
      method: "POST",
      body: JSON.stringify({
        model: "sim/image",
        input: { width: 64, height: 64, image: `data:image/png;base64,${image.toString("base64")}` },
        items: [{ input: { prompt: "a" } }, { input: { prompt: "b" } }, { input: { prompt: "c" } }],
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect((await gateway.store.files.list({ limit: 1000 })).length).toBe(before + 1);
    const items = await gateway.store.batches.items(id);
    const links = new Set(items.flatMap((item) => [item.input.image, item.prediction.input.image]));
    expect([...links]).toEqual([expect.stringMatching(/\/v1\/files\/[a-z0-9]+$/)]);
    for (const item of items) {
      const done = await gateway.engine.waitFor(item.prediction.id, 10_000);
      expect([done.state, done.error]).toEqual(["succeeded", null]);
    }
  });
});
