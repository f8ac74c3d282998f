/**
 * gengate's tool aliases served on Replicate (src/catalog/builtin-models.ts), run against the fake
 * Replicate's copies of the real models: the create carries the mapped parameters and an image the
 * provider can read, and gengate stores the image the model made from it.
 */
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakePrediction, type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { inpaintColour } from "./fakes/replicate/tool-runs.ts";
import { signedFileLink } from "./support/file-link.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

interface ToolPrediction {
  id: string;
  model: string;
  status: string;
  output: string | string[] | null;
  error: string | null;
  gengate: {
    alias: string;
    target: { key: string; provider: string; model: string };
    target_input: Record<string, unknown>;
    route: { target: string; provider: string; model: string; outcome: string; reason?: string }[];
  };
}

const WHITE = [255, 255, 255];
const RED = [255, 0, 0];

let fake: FakeReplicate;
let gateway: TestGateway;

beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 10, max: 30 } });
  gateway = await startGateway({
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    LOCAL_TOOLS: "off",
  });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString("base64")}`;

/** 16×16: the left half `left`, the right half `right`. */
function halves(left: string, right: string): Promise<Buffer> {
  const half = { width: 8, height: 16, channels: 3 } as const;
  return sharp({ create: { width: 16, height: 16, channels: 3, background: left } })
    .composite([{ input: { create: { ...half, background: right } }, left: 8, top: 0 }])
    .png()
    .toBuffer();
}

/** 16×16: white (inpaint) over the top half, black below. */
const topHalfMask = () =>
  sharp({ create: { width: 16, height: 16, channels: 3, background: "#000" } })
    .composite([
      { input: { create: { width: 16, height: 8, channels: 3, background: "#fff" } }, top: 0, left: 0 },
    ])
    .png()
    .toBuffer();

async function waitFor(on: TestGateway, created: ToolPrediction): Promise<ToolPrediction> {
  let prediction = created;
  const deadline = Date.now() + 20_000;
  while (!["succeeded", "failed", "canceled"].includes(prediction.status)) {
    if (Date.now() > deadline) throw new Error(`prediction ${prediction.id} still ${prediction.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    prediction = (await (await on.api(`/v1/predictions/${prediction.id}`)).json()) as ToolPrediction;
  }
  return prediction;
}

async function run(alias: string, input: Record<string, unknown>, on = gateway): Promise<ToolPrediction> {
  const response = await on.api(`/v1/models/gengate/${alias}/predictions`, {
    method: "POST",
    headers: { prefer: "wait", "content-type": "application/json" },
    body: JSON.stringify({ input }),
  });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(201);
  const done = await waitFor(on, body as ToolPrediction);
  expect(done.error).toBeNull();
  expect(done.status).toBe("succeeded");
  expect(done.model).toBe(`gengate/${alias}`);
  return done;
}

/**
 * The input of the one create the fake received since the last reset: what gengate sent (the
 * model's schema defaults filled in), never gengate's own parameter names.
 */
function sentInput(): Record<string, unknown> {
  const created = fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/predictions"));
  expect(created).toHaveLength(1);
  const body = created[0]?.body as { input?: Record<string, unknown> } | undefined;
  const input = body?.input ?? {};
  for (const name of ["reference_image", "steps", "guidance"]) expect(input).not.toHaveProperty(name);
  return input;
}

/**
 * The one prediction the fake ran for `model` since the last reset, once it has succeeded there:
 * gengate may finish first, from a waited create that answered "processing" with the outputs.
 */
async function upstreamOf(model: string): Promise<FakePrediction> {
  const runs = fake.predictions().filter((p) => p.model === model);
  const last = runs.at(-1);
  if (!last) throw new Error(`the fake ran no ${model}`);
  const ended = await until(() => {
    const now = fake.predictions().find((p) => p.id === last.id);
    return now?.status === "starting" || now?.status === "processing" ? undefined : now;
  }, 5_000);
  expect(ended.status).toBe("succeeded");
  return ended;
}

async function bytesAt(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

/** gengate's stored outputs are byte for byte the files the fake made; returns them. */
async function sameOutputs(prediction: ToolPrediction, upstream: FakePrediction): Promise<Buffer[]> {
  const ours = [prediction.output ?? []].flat();
  const theirs = [upstream.output as string | string[]].flat();
  expect(ours).toHaveLength(theirs.length);
  expect(ours.length).toBeGreaterThan(0);
  const stored: Buffer[] = [];
  for (const [index, url] of ours.entries()) {
    // gengate's own copy, not a link to Replicate's delivery (which expires).
    expect(url).toMatch(signedFileLink(new URL(url).origin, "png"));
    expect(new URL(url).hostname).toMatch(/^(127\.0\.0\.1|localhost)$/);
    expect(url.startsWith(fake.deliveryUrl)).toBe(false);
    const bytes = await bytesAt(url);
    expect(bytes.equals(await bytesAt(theirs[index] ?? ""))).toBe(true);
    stored.push(bytes);
  }
  return stored;
}

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return {
    ...info,
    rgb: (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels).subarray(0, 3)],
    alpha: (x: number, y: number) => (info.channels === 4 ? data[(y * info.width + x) * 4 + 3] : 255),
  };
}

/** The image bytes behind a data URL. */
function decoded(url: unknown): Buffer {
  expect(typeof url).toBe("string");
  const match = /^data:[^,]*;base64,(.*)$/s.exec(String(url));
  if (!match) throw new Error(`not a base64 data URL: ${String(url).slice(0, 60)}`);
  return Buffer.from(match[1] ?? "", "base64");
}

describe("tool aliases on Replicate", () => {
  it("remove-background: bria/remove-background gets the image as `image` and cuts the background out", async () => {
    const image = await halves("#fff", "#f00");
    const prediction = await run("remove-background", { reference_image: dataUrl(image) });
    expect(prediction.gengate.target).toMatchObject({
      provider: "replicate",
      model: "bria/remove-background",
    });

    const upstream = await upstreamOf("bria/remove-background");
    expect(sentInput()).toMatchObject({ image: dataUrl(image) });
    // An official model: run by name.
    expect(fake.requests.some((r) => r.path === "/v1/models/bria/remove-background/predictions")).toBe(true);

    const [output] = await sameOutputs(prediction, upstream);
    const out = await pixels(output ?? Buffer.alloc(0));
    expect([out.width, out.height, out.channels]).toEqual([16, 16, 4]);
    expect(out.alpha(2, 8)).toBe(0);
    expect(out.rgb(12, 8)).toEqual(RED);
    expect(out.alpha(12, 8)).toBe(255);
  });

  it("upscale: nightmareai/real-esrgan gets `image` and `scale`, and enlarges the image sent", async () => {
    const image = await halves("#fff", "#f00");
    const prediction = await run("upscale", { reference_image: dataUrl(image), scale: 2 });
    expect(prediction.gengate.target).toMatchObject({
      provider: "replicate",
      model: "nightmareai/real-esrgan",
    });

    const upstream = await upstreamOf("nightmareai/real-esrgan");
    expect(sentInput()).toMatchObject({ image: dataUrl(image), scale: 2, face_enhance: false });
    // Community models are pinned to their latest version.
    const versioned = fake.requests.find((r) => r.path === "/v1/predictions");
    expect((versioned?.body as { version?: string } | undefined)?.version).toBe(upstream.versionId);

    const [output] = await sameOutputs(prediction, upstream);
    const out = await pixels(output ?? Buffer.alloc(0));
    expect([out.width, out.height]).toEqual([32, 32]);
    expect(out.rgb(4, 16)).toEqual(WHITE);
    expect(out.rgb(28, 16)).toEqual(RED);
  });

  it("restore-face: a gengate file reaches tencentarc/gfpgan readable, as `img`", async () => {
    const image = await halves("#00f", "#0f0");
    const form = new FormData();
    form.append("content", new Blob([new Uint8Array(image)], { type: "image/png" }), "face.png");
    const uploaded = await gateway.api("/v1/files", { method: "POST", body: form });
    expect(uploaded.status).toBe(201);
    const fileUrl = ((await uploaded.json()) as { urls: { get: string } }).urls.get;
    expect(fileUrl.startsWith(gateway.url)).toBe(true);

    const prediction = await run("restore-face", { reference_image: fileUrl, scale: 3, version: "v1.3" });
    expect(prediction.gengate.target).toMatchObject({ provider: "replicate", model: "tencentarc/gfpgan" });

    const upstream = await upstreamOf("tencentarc/gfpgan");
    expect(Object.keys(sentInput()).sort()).toEqual(["img", "scale", "version"]);
    expect(sentInput()).toMatchObject({ scale: 3, version: "v1.3" });
    // Never gengate's private URL: inline (a data URL) or on Replicate's files API.
    const img = String(sentInput().img);
    expect(img.startsWith(gateway.url)).toBe(false);
    expect(img.startsWith("data:") || img.startsWith(`${fake.url}/files/`)).toBe(true);
    if (img.startsWith(`${fake.url}/files/`)) {
      expect(fake.requests.some((r) => r.method === "POST" && r.path === "/v1/files")).toBe(true);
    } else {
      expect(decoded(img).equals(image)).toBe(true);
    }
    expect(upstream.logs).toContain("GFPGAN v1.3");

    const [output] = await sameOutputs(prediction, upstream);
    const out = await pixels(output ?? Buffer.alloc(0));
    expect([out.width, out.height]).toEqual([48, 48]);
    expect(out.rgb(4, 24)).toEqual([0, 0, 255]);
    expect(out.rgb(44, 24)).toEqual([0, 255, 0]);
  });

  it("inpaint: stable-diffusion-inpainting gets image, mask, prompt and the renamed steps and guidance", async () => {
    const image = await halves("#fff", "#f00");
    const mask = await topHalfMask();
    const input = {
      prompt: "a red balloon",
      reference_image: dataUrl(image),
      mask: dataUrl(mask),
      steps: 20,
      guidance: 5,
      width: 64,
      height: 64,
      seed: 42,
    };
    const prediction = await run("inpaint", input);
    expect(prediction.gengate.target).toMatchObject({
      provider: "replicate",
      model: "stability-ai/stable-diffusion-inpainting",
    });

    const upstream = await upstreamOf("stability-ai/stable-diffusion-inpainting");
    expect(sentInput()).toMatchObject({
      prompt: "a red balloon",
      image: dataUrl(image),
      mask: dataUrl(mask),
      num_inference_steps: 20,
      guidance_scale: 5,
      width: 64,
      height: 64,
      seed: 42,
    });

    const outputs = await sameOutputs(prediction, upstream);
    expect(outputs).toHaveLength(1);
    const out = await pixels(outputs[0] ?? Buffer.alloc(0));
    expect([out.width, out.height]).toEqual([64, 64]);
    // Masked (top): painted; unmasked (bottom): the image sent.
    expect(out.rgb(10, 10)).toEqual(inpaintColour("a red balloon", 42));
    expect(out.rgb(50, 10)).toEqual(inpaintColour("a red balloon", 42));
    expect(out.rgb(10, 50)).toEqual(WHITE);
    expect(out.rgb(50, 50)).toEqual(RED);
  });

  it("colorize: piddnad/ddcolor gets `image` and the model size, and tints the image sent", async () => {
    const image = await halves("#333", "#bbb");
    const prediction = await run("colorize", { reference_image: dataUrl(image), model_size: "tiny" });
    expect(prediction.gengate.target).toMatchObject({ provider: "replicate", model: "piddnad/ddcolor" });

    const upstream = await upstreamOf("piddnad/ddcolor");
    expect(sentInput()).toEqual({ image: dataUrl(image), model_size: "tiny" });

    const [output] = await sameOutputs(prediction, upstream);
    const out = await pixels(output ?? Buffer.alloc(0));
    expect([out.width, out.height]).toEqual([16, 16]);
    const [darkR = 0, , darkB = 0] = out.rgb(2, 8);
    const [lightR = 0, , lightB = 0] = out.rgb(12, 8);
    // "tiny" tints cool, and the light half stays lighter.
    expect(lightB).toBeGreaterThan(lightR);
    expect(lightB).toBeGreaterThan(darkB);
    expect(lightR).toBeGreaterThan(darkR);
  });
});

describe("upscale with local tools on", () => {
  let local: TestGateway;
  beforeAll(async () => {
    local = await startGateway({ REPLICATE_API_TOKEN: fake.token, REPLICATE_BASE_URL: fake.url });
  });
  afterAll(() => local.close());

  it("skips the local upscaler for face_enhance, which only real-esrgan has, and says why", async () => {
    const image = await halves("#fff", "#f00");
    const prediction = await run(
      "upscale",
      { reference_image: dataUrl(image), scale: 2, face_enhance: true },
      local,
    );
    expect(prediction.gengate.route).toEqual([
      {
        target: "upscale#0",
        provider: "local",
        model: "local/upscale",
        outcome: "skipped",
        reason: expect.stringContaining("face_enhance"),
      },
      { target: "upscale#1", provider: "replicate", model: "nightmareai/real-esrgan", outcome: "ran" },
    ]);

    const upstream = await upstreamOf("nightmareai/real-esrgan");
    expect(sentInput()).toEqual({ image: dataUrl(image), scale: 2, face_enhance: true });
    expect(upstream.logs).toContain("Running GFPGAN");
    const [output] = await sameOutputs(prediction, upstream);
    const out = await pixels(output ?? Buffer.alloc(0));
    expect([out.width, out.height]).toEqual([32, 32]);
  });

  it("sends an image over the local upscaler's cap on to real-esrgan, saying which cap", async () => {
    // ESRGAN slim ×4 takes at most 512×512.
    const large = await sharp({ create: { width: 600, height: 520, channels: 3, background: "#808080" } })
      .png()
      .toBuffer();
    const prediction = await run("upscale", { image: dataUrl(large), scale: 4 }, local);
    expect(prediction.gengate.route).toEqual([
      {
        target: "upscale#0",
        provider: "local",
        model: "local/upscale",
        outcome: "skipped",
        reason:
          "input.image: the image is 600×520 (312,000 pixels); this takes at most 262,144 pixels (512×512)",
      },
      { target: "upscale#1", provider: "replicate", model: "nightmareai/real-esrgan", outcome: "ran" },
    ]);
    expect(sentInput()).toEqual({ image: dataUrl(large), scale: 4, face_enhance: false });
    const [output] = await sameOutputs(prediction, await upstreamOf("nightmareai/real-esrgan"));
    const out = await pixels(output ?? Buffer.alloc(0));
    expect([out.width, out.height]).toEqual([2400, 2080]);
  });
});
