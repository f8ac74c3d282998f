/** The official `replicate` npm client (1.4.0), pointed at the fake with `baseUrl`. */
import Replicate from "replicate";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { startFakeReplicate } from "./fake-replicate.ts";
import { apiOf, latestVersion, useFake } from "./test-support.ts";
import { dataUrlOf, photosZip } from "./training-zip.ts";

const ctx = useFake({ latencyMs: { min: 20, max: 60 }, trainingMs: 100 });
let replicate: Replicate;

beforeAll(() => {
  replicate = new Replicate({ auth: ctx.fake.token, baseUrl: ctx.fake.url });
});

async function imageAt(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return sharp(Buffer.from(await response.arrayBuffer())).metadata();
}

describe("replicate.run", () => {
  it("runs the official model by name and returns real image files", async () => {
    const output = (await replicate.run("fake-official/flux-schnell", {
      input: { prompt: "a harbor", num_outputs: 2, output_format: "png", aspect_ratio: "16:9" },
    })) as string[];
    expect(output).toHaveLength(2);
    for (const url of output) {
      expect(url.startsWith(ctx.fake.deliveryUrl)).toBe(true);
      const meta = await imageAt(url);
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 114, 64]);
    }
    const created = ctx.fake.requests.find((request) => request.path.endsWith("/flux-schnell/predictions"));
    expect(created?.headers).toMatchObject({ prefer: "wait", authorization: "[redacted]" });
  });

  it("runs a version, and falls back to polling when the wait runs out", async () => {
    const version = await latestVersion(ctx.api, "fake/sdxl");
    const slow = await startFakeReplicate({ latencyMs: { min: 1300, max: 1300 } });
    try {
      const client = new Replicate({ auth: slow.token, baseUrl: slow.url });
      const output = (await client.run(`fake/sdxl:${version}`, {
        input: { prompt: "slow", width: 256, height: 320 },
        wait: { mode: "block", timeout: 1 },
      })) as string[];
      const meta = await imageAt(output[0] ?? "");
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 256, 320]);
      expect(slow.requests.filter((request) => request.method === "GET").length).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });

  it("uploads a Buffer input through the Files API, which the model then reads", async () => {
    const version = await latestVersion(ctx.api, "fake/sdxl");
    const image = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#3366cc" } })
      .png()
      .toBuffer();
    const output = (await replicate.run(`fake/sdxl:${version}`, {
      input: { prompt: "a bluer sky", image, width: 256, height: 256 },
    })) as string[];
    expect((await imageAt(output[0] ?? "")).width).toBe(256);
    const [prediction] = ctx.fake.predictions().filter((p) => typeof p.input.image === "string");
    expect(prediction?.input.image).toMatch(new RegExp(`^${ctx.fake.url}/files/[0-9a-z]{26}$`));
  });

  it("throws the prediction's error when it fails", async () => {
    await expect(
      replicate.run("fake-official/flux-schnell", { input: { prompt: "please FAIL" } }),
    ).rejects.toThrow(/Prediction failed: .*FAIL/);
  });
});

describe("replicate.stream", () => {
  it("streams fake/llm's tokens over SSE", async () => {
    const version = await latestVersion(ctx.api, "fake/llm");
    const tokens: string[] = [];
    for await (const event of replicate.stream(`fake/llm:${version}`, {
      input: { prompt: "hi", max_tokens: 6 },
    })) {
      if (event.event === "output") tokens.push(String(event));
    }
    expect(tokens).toHaveLength(6);
    const [prediction] = ctx.fake.predictions().filter((p) => p.model === "fake/llm");
    expect(prediction?.output).toEqual(tokens);
  });
});

describe("files, trainings, deployments and pagination", () => {
  it("files.create returns a File whose url the API serves", async () => {
    const file = await replicate.files.create(new Blob(["{}"], { type: "application/json" }), {
      kind: "config",
    });
    expect(file).toMatchObject({ content_type: "application/json", size: 2, metadata: { kind: "config" } });
    expect((await replicate.files.get(file.id)).id).toBe(file.id);
  });

  it("a training adds a version to its destination, which then runs", async () => {
    await replicate.models.create("fake-user", "client-lora", { visibility: "private", hardware: "gpu-t4" });
    const trainer = await latestVersion(ctx.api, "fake/trainer");
    let training = await replicate.trainings.create("fake", "trainer", trainer, {
      destination: "fake-user/client-lora",
      input: { input_images: dataUrlOf(await photosZip(2)), trigger_word: "ZXY" },
    });
    while (!["succeeded", "failed", "canceled"].includes(training.status)) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      training = await replicate.trainings.get(training.id);
    }
    const output = training.output as { version: string; weights: string };
    expect(output.version).toMatch(/^fake-user\/client-lora:[0-9a-f]{64}$/);
    const tar = Buffer.from(await (await fetch(output.weights)).arrayBuffer());
    expect(tar.subarray(257, 262).toString()).toBe("ustar");
    expect(tar.subarray(0, 44).toString()).toBe("output/flux_train_replicate/lora.safetensors");

    const model = await replicate.models.get("fake-user", "client-lora");
    expect(`fake-user/client-lora:${model.latest_version?.id}`).toBe(output.version);
    const images = (await replicate.run(output.version as `${string}/${string}:${string}`, {
      input: { prompt: "a photo of ZXY", width: 256, height: 256 },
    })) as string[];
    expect(images).toHaveLength(1);
  });

  it("deployments.predictions.create runs the deployment's version", async () => {
    const created = await replicate.deployments.predictions.create("fake", "sdxl-deploy", {
      input: { prompt: "deployed", width: 256, height: 256 },
    });
    expect(created.version).toMatch(/^dp-/);
    const done = await replicate.wait(created, { interval: 20 });
    expect(done.status).toBe("succeeded");
  });

  it("paginate walks every page through absolute next URLs", async () => {
    const busy = await startFakeReplicate({ createsPerMinute: 60_000, latencyMs: { min: 0, max: 0 } });
    try {
      const api = apiOf(busy);
      const version = await latestVersion(api, "fake/llm");
      await Promise.all(
        Array.from({ length: 105 }, (_, i) =>
          api.post("/predictions", { version, input: { prompt: `p${i}` } }),
        ),
      );
      const client = new Replicate({ auth: busy.token, baseUrl: busy.url });
      const sizes: number[] = [];
      const ids = new Set<string>();
      for await (const page of client.paginate(client.predictions.list)) {
        sizes.push(page.length);
        for (const prediction of page) ids.add(prediction.id);
      }
      expect(sizes).toEqual([100, 5]);
      expect(ids.size).toBe(105);
    } finally {
      await busy.close();
    }
  });
});
