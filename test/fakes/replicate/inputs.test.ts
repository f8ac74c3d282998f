/** Input validation (422s shaped like Replicate's) and image inputs the model has to fetch. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latestVersion, settled, useFake } from "./test-support.ts";

const ctx = useFake({ latencyMs: { min: 10, max: 20 } });
let sdxl: string;
let png: Buffer;
/** Stands in for gengate serving an uploaded file: /photo.png is an image, /notes.txt is not. */
let origin: Server;
let originUrl: string;

beforeAll(async () => {
  sdxl = await latestVersion(ctx.api, "fake/sdxl");
  png = await sharp({ create: { width: 50, height: 40, channels: 3, background: "#884422" } })
    .png()
    .toBuffer();
  origin = createServer((req, res) => {
    if (req.url === "/photo.png") res.writeHead(200, { "content-type": "image/png" }).end(png);
    else if (req.url === "/notes.txt")
      res.writeHead(200, { "content-type": "text/plain" }).end("not an image");
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => origin.close(() => resolve())));

async function runSdxl(input: Record<string, unknown>) {
  const response = await ctx.api.post("/predictions", {
    version: sdxl,
    input: { width: 256, height: 256, ...input },
  });
  expect(response.status).toBe(201);
  return settled(ctx.api, `/predictions/${(await response.json()).id}`);
}

describe("input validation", () => {
  it("reports a missing required input like Replicate", async () => {
    const response = await ctx.api.post("/predictions", { version: sdxl, input: {} });
    expect([response.status, response.headers.get("content-type")]).toEqual([
      422,
      "application/problem+json",
    ]);
    expect(await response.json()).toEqual({
      title: "Input validation failed",
      detail: "- input: prompt is required\n",
      status: 422,
      invalid_fields: [{ type: "required", field: "input", description: "prompt is required" }],
    });
  });

  it("reports every invalid field", async () => {
    const response = await ctx.api.post("/models/fake-official/flux-schnell/predictions", {
      input: { prompt: 7, num_outputs: 9, aspect_ratio: "2:1" },
    });
    const body = await response.json();
    expect(body.invalid_fields).toEqual([
      {
        type: "invalid_type",
        field: "input.prompt",
        description: "Invalid type. Expected: string, given: integer",
      },
      {
        type: "enum",
        field: "input.aspect_ratio",
        description: expect.stringMatching(/^aspect_ratio must be one of the following: "1:1", "16:9"/),
      },
      { type: "number_lte", field: "input.num_outputs", description: "Must be less than or equal to 4" },
    ]);
    expect(body.detail).toContain("- input.num_outputs: Must be less than or equal to 4\n");
    const sizes = await ctx.api.post("/predictions", { version: sdxl, input: { prompt: "x", width: 300 } });
    expect((await sizes.json()).invalid_fields).toEqual([
      { type: "multiple_of", field: "input.width", description: "Must be a multiple of 8" },
    ]);
  });

  it("rejects unknown versions and models", async () => {
    const unknown = await ctx.api.post("/predictions", { version: "0".repeat(64), input: { prompt: "x" } });
    expect(await unknown.json()).toMatchObject({ status: 422, title: "Invalid version or not permitted" });
    const wrongModel = await ctx.api.post("/predictions", {
      version: `fake/llm:${sdxl}`,
      input: { prompt: "x" },
    });
    expect(wrongModel.status).toBe(422);
    expect((await ctx.api.post("/models/nobody/nothing/predictions", { input: {} })).status).toBe(404);
    expect((await ctx.api.post("/models/fake/sdxl/predictions", { input: { prompt: "x" } })).status).toBe(
      404,
    );
    expect((await ctx.api.post("/predictions", "not an object")).status).toBe(400);
  });

  it("accepts the official model by name as a version", async () => {
    const response = await ctx.api.post("/predictions", {
      version: "fake-official/flux-schnell",
      input: { prompt: "x" },
    });
    expect((await response.json()).version).toBe("hidden");
  });
});

describe("image inputs", () => {
  it("reads data URLs, http(s) URLs and Files API URLs", async () => {
    const dataUrl = `data:image/png;base64,${png.toString("base64")}`;
    const form = new FormData();
    form.append("content", new Blob([new Uint8Array(png)], { type: "image/png" }), "photo.png");
    const file = await (
      await fetch(`${ctx.fake.url}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${ctx.fake.token}` },
        body: form,
      })
    ).json();
    for (const image of [dataUrl, `${originUrl}/photo.png`, file.urls.get]) {
      const done = await runSdxl({ prompt: "img2img", image, height: 320 });
      expect(done.status).toBe("succeeded");
      const [url] = done.output as string[];
      const meta = await sharp(Buffer.from(await (await fetch(url ?? "")).arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 256, 320]);
    }
  });

  it("fails the prediction with a clear error when the image can't be read or isn't one", async () => {
    const missing = await runSdxl({ prompt: "x", image: `${originUrl}/gone.png` });
    expect(missing).toMatchObject({
      status: "failed",
      error: `image: could not read ${originUrl}/gone.png: HTTP 404`,
    });
    const text = await runSdxl({ prompt: "x", image: `${originUrl}/notes.txt` });
    expect(text.error).toBe(`image: ${originUrl}/notes.txt is not an image file (12 bytes)`);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/photo.png`;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await runSdxl({ prompt: "x", image: closedUrl });
    expect(refused.error).toMatch(/^image: could not read http:.*ECONNREFUSED/);
  });

  it("fails on request: fail: true or a prompt with FAIL", async () => {
    expect(await runSdxl({ prompt: "ok", fail: true })).toMatchObject({ status: "failed", output: null });
    const failed = await runSdxl({ prompt: "FAIL please" });
    expect(failed.error).toMatch(/FAIL/);
    expect(failed.logs).toMatch(/Using seed: \d+\n/);
  });
});
