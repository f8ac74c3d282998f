/** The fake's workers (A1111, ComfyUI, Flux), injected faults, and webhook calls. */
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { ended, fakeClient } from "./fake-client.ts";
import { type FakeRunpod, startFakeRunpod } from "./index.ts";

let fake: FakeRunpod;
let receiver: WebhookReceiver;

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: {
      sd: { worker: "a1111" },
      comfy: { worker: "comfyui" },
      "comfy-s3": { worker: "comfyui", comfyOutput: "s3_url" },
      flux: { worker: "flux" },
    },
    webhookRetryDelayMs: 50,
  });
  receiver = await startWebhookReceiver();
});
afterEach(() => {
  fake.reset();
  receiver.received.length = 0;
  receiver.respondWith = () => 200;
});
afterAll(async () => {
  await receiver.close();
  await fake.close();
});

const runsync = async (endpoint: string, input: unknown) =>
  (await fakeClient(fake, endpoint).call("runsync", { body: { input } })).body;

const meta = (base64: string) => sharp(Buffer.from(base64, "base64")).metadata();

function workflow(batch: number, withSave = true) {
  return {
    "3": { class_type: "KSampler", inputs: { seed: 7, positive: ["6", 0] } },
    "5": { class_type: "EmptyLatentImage", inputs: { width: 96, height: 64, batch_size: batch } },
    "6": { class_type: "CLIPTextEncode", inputs: { text: "a boat" } },
    ...(withSave && {
      "9": { class_type: "SaveImage", inputs: { filename_prefix: "out", images: ["8", 0] } },
    }),
  };
}

describe("fake workers", () => {
  it("a1111: base64 images per batch, A1111's info and parameters", async () => {
    const input = {
      prompt: "owl",
      width: 96,
      height: 64,
      batch_size: 2,
      n_iter: 2,
      seed: 5,
      override_settings: { samples_format: "webp" },
    };
    const job = await runsync("sd", input);
    const output = job.output as { images: string[]; info: string; parameters: Record<string, unknown> };
    expect(job.status).toBe("COMPLETED");
    expect(output.images).toHaveLength(4);
    const image = await meta(output.images[0] ?? "");
    expect([image.format, image.width, image.height]).toEqual(["webp", 96, 64]);
    expect(JSON.parse(output.info)).toMatchObject({ seed: 5, all_seeds: [5, 6, 7, 8], prompt: "owl" });
    expect(output.parameters).toMatchObject({ prompt: "owl", steps: 20, sampler_name: "Euler" });
  });

  it("a1111: input A1111 refuses comes back as a COMPLETED job without images ({detail})", async () => {
    const job = await runsync("sd", { prompt: "x", width: 13 });
    expect(job).toMatchObject({ status: "COMPLETED", output: { detail: [{ loc: ["body", "width"] }] } });
  });

  it("comfyui: batch_size images per SaveImage, as base64 or as URLs on another origin", async () => {
    const inline = await runsync("comfy", { workflow: workflow(2) });
    const images = (inline.output as { images: Array<{ filename: string; type: string; data: string }> })
      .images;
    expect(images.map((i) => [i.filename, i.type])).toEqual([
      ["out_00001_.png", "base64"],
      ["out_00002_.png", "base64"],
    ]);
    expect((await meta(images[0]?.data ?? "")).width).toBe(96);

    const linked = await runsync("comfy-s3", { workflow: workflow(1) });
    const [image] = (linked.output as { images: Array<{ type: string; data: string }> }).images;
    expect(image?.type).toBe("s3_url");
    expect(image?.data.startsWith(fake.fileUrl)).toBe(true);
    expect(new URL(fake.fileUrl).port).not.toBe(new URL(fake.url).port);
    const file = await fetch(image?.data ?? "");
    expect(file.headers.get("content-type")).toBe("image/png");
    expect((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).height).toBe(64);
  });

  it("comfyui: no workflow fails; a graph without SaveImage completes with no images", async () => {
    expect(await runsync("comfy", { prompt: "x" })).toMatchObject({
      status: "FAILED",
      error: "Missing 'workflow' parameter",
    });
    expect((await runsync("comfy", { workflow: workflow(1, false) })).output).toEqual({
      status: "success_no_images",
      images: [],
    });
  });

  it("flux: an image URL on the file origin; invalid sizes fail with RunPod's message", async () => {
    const job = await runsync("flux", { prompt: "a kite", width: 256, height: 320, image_format: "jpeg" });
    const output = job.output as { image_url: string; cost: number };
    expect(output.image_url).toMatch(new RegExp(`^${fake.fileUrl}/files/.+/output\\.jpeg$`));
    const image = await fetch(output.image_url);
    const info = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect([info.format, info.width, info.height]).toEqual(["jpeg", 256, 320]);
    expect(await runsync("flux", { prompt: "x", width: 300 })).toMatchObject({
      status: "FAILED",
      error: "Invalid parameter: width must be divisible by 64",
    });
  });
});

describe("fake faults", () => {
  it("a worker crash fails the job with the worker SDK's JSON error string", async () => {
    fake.faults.crash("sd", 1, "CUDA error: out of memory");
    const job = await runsync("sd", { prompt: "x" });
    expect(job.status).toBe("FAILED");
    const error = JSON.parse(String(job.error));
    expect(error).toMatchObject({
      error_type: "<class 'RuntimeError'>",
      error_message: "CUDA error: out of memory",
    });
    expect(error.error_traceback).toContain("RuntimeError: CUDA error: out of memory");
    expect((await runsync("sd", { prompt: "x" })).status).toBe("COMPLETED");
  });

  it("a slow queue shows in delayTime", async () => {
    fake.faults.slowQueue("sd", 300);
    const job = await runsync("sd", { prompt: "x" });
    expect(job.delayTime).toBeGreaterThanOrEqual(300);
  });
});

describe("fake webhooks", () => {
  it("POSTs the job object when the job ends, whatever the end", async () => {
    const sd = fakeClient(fake, "sd");
    fake.faults.crash("sd", 1);
    const failed = await sd.run({ input: { prompt: "x" }, webhook: receiver.url });
    const done = await sd.run({ input: { prompt: "y", width: 64, height: 64 }, webhook: receiver.url });
    await sd.until(done, ended);
    const bodies = (await receiver.waitFor(2)).map((r) => JSON.parse(r.body));
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: failed, status: "FAILED", error: expect.any(String) }),
        expect.objectContaining({ id: done, status: "COMPLETED", output: expect.any(Object) }),
      ]),
    );
  });

  it("tries 3 times in all while the receiver does not answer 200", async () => {
    receiver.respondWith = () => 500;
    const sd = fakeClient(fake, "sd");
    const id = await sd.run({ input: { prompt: "x" }, webhook: receiver.url });
    await receiver.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.webhooks.map((d) => [d.jobId, d.attempt, d.status])).toEqual([
      [id, 1, 500],
      [id, 2, 500],
      [id, 3, 500],
    ]);
  });
});
