/**
 * OpenAI's image endpoints and model list, driven with the official `openai` client against a real
 * gateway on the simulator: generation as URLs and base64, sizes adapted for a target, warnings for
 * what a model cannot honour, inpainting with an OpenAI-style mask, and errors in OpenAI's shape.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";

const sim = { provider: "sim", model: "sim/image" };
const CONFIG = {
  models: {
    // Takes an aspect ratio, like FLUX on Replicate.
    "sim-ratio": {
      targets: [
        {
          ...sim,
          capabilities: { sizeForm: "aspect_ratio", aspectRatios: ["1:1", "16:9", "9:16"], maxOutputs: 4 },
          params: { width: null, height: null },
        },
      ],
    },
    "sim-broken": { targets: [{ ...sim, input: { fail: "GPU on fire" } }] },
  },
  // An app written for OpenAI changes only its base URL.
  openai: { models: { "dall-e-3": "sim-ratio" } },
};

interface Gengate {
  prediction_id: string;
  model: string;
  warnings: string[];
}
const gengateOf = (response: unknown) => (response as { gengate: Gengate }).gengate;

let dir: string;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gengate-openai-images-"));
  const file = join(dir, "gengate.config.json");
  writeFileSync(file, JSON.stringify(CONFIG));
  gateway = await startGateway({ GENGATE_CONFIG: file });
  client = new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN });
});

afterAll(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

const decode = (b64: string | undefined) => Buffer.from(b64 ?? "", "base64");

async function predictionsOf(model: string): Promise<{ id: string; input: Record<string, unknown> }[]> {
  const page = (await (await gateway.api("/v1/predictions")).json()) as {
    results: { id: string; model: string; input: Record<string, unknown> }[];
  };
  return page.results.filter((p) => p.model === model);
}

describe("POST /images/generations", () => {
  it("answers URLs of images of the asked size", async () => {
    const response = await client.images.generate({
      model: "sim/image",
      prompt: "a lighthouse at dusk",
      size: "320x192",
      response_format: "url",
    });
    expect(response.created).toBeGreaterThan(1_700_000_000);
    expect(response.data).toHaveLength(1);
    const url = response.data?.[0]?.url ?? "";
    const image = await fetch(url);
    expect(image.status).toBe(200);
    const metadata = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect(metadata).toMatchObject({ width: 320, height: 192 });
    const { prediction_id, model, warnings } = gengateOf(response);
    expect(model).toBe("sim/image");
    expect(warnings).toEqual([]);
    const prediction = await (await gateway.api(`/v1/predictions/${prediction_id}`)).json();
    expect(prediction).toMatchObject({ status: "succeeded", input: { width: 320, height: 192 } });
  });

  it("answers n images inline as base64, in the asked format", async () => {
    const response = await client.images.generate({
      model: "sim/image",
      prompt: "two foxes",
      n: 2,
      size: "128x128",
      response_format: "b64_json",
      output_format: "jpeg",
    });
    expect(response.data).toHaveLength(2);
    const [first, second] = (response.data ?? []).map((image) => decode(image.b64_json));
    for (const image of [first, second]) {
      expect(await sharp(image).metadata()).toMatchObject({ format: "jpeg", width: 128, height: 128 });
    }
    expect(first?.equals(second as Buffer)).toBe(false);
    const [prediction] = await predictionsOf("sim/image");
    expect(prediction?.input).toMatchObject({ num_outputs: 2, output_format: "jpg" });
  });

  it("sends the size as an aspect ratio to a target that takes one, and says so", async () => {
    const response = await client.images.generate({
      model: "sim-ratio",
      prompt: "a wide beach",
      size: "1024x576",
      response_format: "b64_json",
    });
    const metadata = await sharp(decode(response.data?.[0]?.b64_json)).metadata();
    expect((metadata.width ?? 0) / (metadata.height ?? 1)).toBeCloseTo(16 / 9, 1);
    const { model, warnings } = gengateOf(response);
    expect(model).toBe("gengate/sim-ratio");
    expect(warnings).toEqual([expect.stringContaining("size 1024x576 sent as aspect_ratio 16:9")]);
  });

  it("drops quality and style that the model cannot honour, and says so in the header and warnings", async () => {
    const { data: response, response: http } = await client.images
      .generate({ model: "gengate/sim-ratio", prompt: "a vivid parrot", quality: "hd", style: "vivid" })
      .withResponse();
    expect(response.data).toHaveLength(1);
    expect(http.headers.get("x-gengate-dropped-params")).toBe("quality, style");
    expect(gengateOf(response).warnings).toEqual([
      "quality hd ignored: gengate/sim-ratio has no steps input that honours it",
      "style vivid ignored: gengate/sim-ratio has no style input that honours it",
    ]);
  });

  it("refuses a transparent background, which would silently come back opaque", async () => {
    const request = client.images.generate({
      model: "sim-ratio",
      prompt: "a logo",
      background: "transparent",
    });
    await expect(request).rejects.toMatchObject({
      status: 400,
      param: "background",
      code: "unsupported_parameter",
    });
  });

  it("answers a failed prediction with its error, once: the client must not send it again", async () => {
    const failing = client.images.generate({ model: "sim-broken", prompt: "anything" });
    await expect(failing).rejects.toMatchObject({
      status: 502,
      type: "server_error",
      message: expect.stringContaining("GPU on fire"),
    });
    expect(await predictionsOf("gengate/sim-broken")).toHaveLength(1);
  });

  it.each([
    [{ prompt: "" }, "prompt"],
    [{ prompt: "x", n: 11 }, "n"],
    [{ prompt: "x", n: 5, model: "sim-ratio" }, "n"],
    [{ prompt: "x", size: "big" }, "size"],
    [{ prompt: "x", response_format: "xml" }, "response_format"],
    [{ prompt: "x", output_format: "gif" }, "output_format"],
    [{ prompt: "x", stream: true }, "stream"],
  ])("refuses %j with a 400 naming %s", async (body, param) => {
    const request = client.images.generate({ model: "sim/image", ...body } as OpenAI.ImageGenerateParams);
    await expect(request).rejects.toMatchObject({ status: 400, type: "invalid_request_error", param });
  });

  it("answers an unknown model with a 404 in OpenAI's shape", async () => {
    const request = client.images.generate({ model: "nobody/nothing", prompt: "x" });
    await expect(request).rejects.toMatchObject({ status: 404, type: "not_found_error" });
  });
});

const WIDTH = 128;
const HEIGHT = 96;
/** The hole the mask leaves transparent: x 32..79, y 24..63. */
const inHole = (x: number, y: number) => x >= 32 && x < 80 && y >= 24 && y < 64;

async function photo(): Promise<Buffer> {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let i = 0; i < WIDTH * HEIGHT; i++) {
    pixels[i * 3] = (i % WIDTH) * 2;
    pixels[i * 3 + 1] = Math.floor(i / WIDTH) * 2;
    pixels[i * 3 + 2] = 90;
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .png()
    .toBuffer();
}

async function holeMask(width = WIDTH, height = HEIGHT): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4, 255);
  for (let i = 0; i < width * height; i++) {
    if (inHole(i % width, Math.floor(i / width))) pixels[i * 4 + 3] = 0;
  }
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

const png = (data: Buffer, name: string) => toFile(data, name, { type: "image/png" });

describe("POST /images/edits", () => {
  it("repaints the transparent hole of the mask and keeps the rest of the image", async () => {
    const input = await photo();
    const response = await client.images.edit({
      model: "sim/image",
      image: await png(input, "photo.png"),
      mask: await png(await holeMask(), "mask.png"),
      prompt: "a window in the wall",
      response_format: "b64_json",
      output_format: "png",
    });
    const edited = decode(response.data?.[0]?.b64_json);
    expect(await sharp(edited).metadata()).toMatchObject({ format: "png", width: WIDTH, height: HEIGHT });
    const out = await sharp(edited).raw().toBuffer();
    const original = await sharp(input).raw().toBuffer();
    let repainted = 0;
    for (let i = 0; i < WIDTH * HEIGHT; i++) {
      const same = out.subarray(i * 3, i * 3 + 3).equals(original.subarray(i * 3, i * 3 + 3));
      if (inHole(i % WIDTH, Math.floor(i / WIDTH))) repainted += same ? 0 : 1;
      else expect(same, `pixel ${i % WIDTH},${Math.floor(i / WIDTH)}`).toBe(true);
    }
    expect(repainted).toBeGreaterThan(48 * 40 * 0.9);
    const prediction = await (
      await gateway.api(`/v1/predictions/${gengateOf(response).prediction_id}`)
    ).json();
    // The image and mask are the client's own uploads, stored once the prediction was accepted.
    expect(prediction.input).toMatchObject({
      width: WIDTH,
      height: HEIGHT,
      image: expect.stringMatching(/\/v1\/files\/[a-z0-9]+$/),
      mask: expect.stringMatching(/\/v1\/files\/[a-z0-9]+$/),
    });
  });

  it("blends the first of several images into the pattern when there is no mask", async () => {
    const input = await photo();
    const response = await client.images.edit({
      model: "sim/image",
      image: [await png(input, "a.png"), await png(await holeMask(), "b.png")],
      prompt: "a painting of it",
      size: "96x64",
      response_format: "b64_json",
    });
    expect(await sharp(decode(response.data?.[0]?.b64_json)).metadata()).toMatchObject({
      width: 96,
      height: 64,
    });
    expect(gengateOf(response).warnings).toEqual(["only the first image is used"]);
    const prediction = await (
      await gateway.api(`/v1/predictions/${gengateOf(response).prediction_id}`)
    ).json();
    expect(prediction.input.mask).toBeUndefined();
  });

  it("refuses a mask for a model that cannot take one, naming mask", async () => {
    const request = client.images.edit({
      model: "flux-kontext-pro",
      image: await png(await photo(), "photo.png"),
      mask: await png(await holeMask(), "mask.png"),
      prompt: "x",
    });
    await expect(request).rejects.toMatchObject({
      status: 400,
      param: "mask",
      message: expect.stringContaining("capability missing: mask"),
    });
  });

  it("refuses a mask without transparency or of another size, naming mask", async () => {
    const image = await png(await photo(), "photo.png");
    const opaque = await png(await photo(), "mask.png");
    const small = await png(await holeMask(64, 48), "mask.png");
    for (const mask of [opaque, small]) {
      const request = client.images.edit({ model: "sim/image", image, mask, prompt: "x" });
      await expect(request).rejects.toMatchObject({
        status: 400,
        type: "invalid_request_error",
        param: "mask",
      });
    }
  });

  it("refuses an edit without an image, naming image", async () => {
    const form = new FormData();
    form.set("prompt", "x");
    const response = await fetch(`${client.baseURL}/images/edits`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error", param: "image" } });
  });
});

describe("GET /models", () => {
  it("lists the catalog's aliases and the providers' models by the ids `model` takes", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      expect(model).toMatchObject({
        object: "model",
        created: expect.any(Number),
        owned_by: expect.any(String),
      });
      ids.push(model.id);
    }
    expect(ids).toEqual(
      expect.arrayContaining(["dall-e-3", "flux-dev", "inpaint", "sim-ratio", "sim/image", "sim/text"]),
    );
  });

  it("retrieves one model, whose id has a slash or not, and answers 404 for an unknown one", async () => {
    expect(await client.models.retrieve("sim/image")).toMatchObject({ id: "sim/image", owned_by: "sim" });
    expect(await client.models.retrieve("flux-dev")).toMatchObject({ id: "flux-dev", owned_by: "gengate" });
    expect(await client.models.retrieve("gengate/inpaint")).toMatchObject({ id: "inpaint" });
    await expect(client.models.retrieve("nobody/nothing")).rejects.toMatchObject({
      status: 404,
      type: "not_found_error",
    });
  });
});

describe("OpenAI's model names mapped by the configuration", () => {
  it("serves dall-e-3 with the alias it is mapped to, and knows it as a model", async () => {
    const response = await client.images.generate({ model: "dall-e-3", prompt: "a red kite", size: "64x64" });
    expect(gengateOf(response).model).toBe("gengate/sim-ratio");
    expect(await client.models.retrieve("dall-e-3")).toMatchObject({ id: "dall-e-3", object: "model" });
  });
});

describe("unknown routes under /openai/v1", () => {
  it("answer 404 in OpenAI's error shape, not problem+json", async () => {
    // an endpoint gengate does not have yet, called as the official client calls it
    await expect(client.moderations.create({ input: "hello" })).rejects.toMatchObject({
      status: 404,
      error: { type: "not_found_error", message: "Unknown request URL: POST /openai/v1/moderations" },
    });
    const response = await gateway.api("/openai/v1/nothing/here");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: {
        message: "Unknown request URL: GET /openai/v1/nothing/here",
        type: "not_found_error",
        param: null,
        code: "not_found",
      },
    });
  });

  it("answer a request without a key 401 in OpenAI's error shape", async () => {
    const response = await fetch(`${gateway.url}/openai/v1/nothing`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: "authentication_error" } });
  });
});
