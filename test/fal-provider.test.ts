/**
 * fal through gengate's public API: the official `replicate` client against gengate, gengate
 * against the fake fal queue over real HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Replicate, { type Prediction } from "replicate";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "./fakes/fal/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

let fake: FakeFal;
let gateway: TestGateway;
let replicate: Replicate;
let dir: string;

const FAL_SETTINGS = {
  apps: {
    "flux-dev": { app: "fal-ai/flux/dev", description: "FLUX.1 [dev] on fal" },
    sdxl: { app: "fal-ai/fast-sdxl" },
  },
};

function writeConfig(settings: unknown): string {
  const file = join(dir, `gengate-${Math.random().toString(36).slice(2)}.config.json`);
  writeFileSync(file, JSON.stringify({ providers: { fal: settings } }));
  return file;
}

const falEnv = (file: string) => ({
  FAL_KEY: fake.key,
  FAL_QUEUE_URL: fake.queueUrl,
  FAL_JWKS_URL: fake.jwksUrl,
  GENGATE_CONFIG: file,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gengate-fal-"));
  fake = await startFakeFal({ queueMs: 100, runMs: 150 });
  gateway = await startGateway(falEnv(writeConfig(FAL_SETTINGS)));
  replicate = new Replicate({ auth: gateway.token, baseUrl: `${gateway.url}/v1` });
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await gateway.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const small = { width: 96, height: 64 };

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

function finish(prediction: Prediction): Promise<Prediction> {
  return replicate.wait(prediction, { interval: 50 });
}

describe("fal provider", () => {
  it("lists the configured apps as fal/<name> models", async () => {
    const model = await replicate.models.get("fal", "flux-dev");
    expect(model).toMatchObject({ owner: "fal", name: "flux-dev", description: "FLUX.1 [dev] on fal" });
    const schema = model.latest_version?.openapi_schema as {
      components: { schemas: { Input: { properties: Record<string, unknown> } } };
    };
    expect(Object.keys(schema.components.schemas.Input.properties)).toContain("guidance");
  });

  it("runs a prediction, maps the parameters and keeps the images after fal deleted them", async () => {
    const created = await replicate.predictions.create({
      model: "fal/flux-dev",
      input: {
        prompt: "a red fox",
        negative_prompt: "blurry",
        ...small,
        num_outputs: 2,
        seed: 5,
        steps: 12,
        guidance: 3.5,
        output_format: "png",
      },
    });
    const prediction = await finish(created);
    expect(prediction).toMatchObject({ status: "succeeded", model: "fal/flux-dev", error: null });
    expect(prediction.metrics?.predict_time).toBe(0.15);
    expect(prediction.logs).toContain("Step 12/12");

    const [submit] = fake.submits();
    expect(submit?.path).toBe("/fal-ai/flux/dev");
    expect(submit?.headers.authorization).toBe("Key [redacted]");
    expect(submit?.query.fal_webhook).toBeUndefined();
    expect(submit?.body).toEqual({
      prompt: "a red fox",
      negative_prompt: "blurry",
      image_size: { width: 96, height: 64 },
      num_images: 2,
      seed: 5,
      num_inference_steps: 12,
      guidance_scale: 3.5,
      output_format: "png",
    });
    const status = fake.requests.find((request) => request.path.endsWith("/status"));
    expect(status?.path).toMatch(/^\/fal-ai\/flux\/requests\/[\w-]+\/status$/);
    expect(status?.query).toEqual({ logs: "1" });

    fake.deleteFiles();
    const output = prediction.output as string[];
    expect(output).toHaveLength(2);
    for (const url of output) {
      expect(url.startsWith(`${gateway.url}/files/`)).toBe(true);
      const image = await fetch(url);
      expect(image.headers.get("content-type")).toBe("image/png");
      const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["png", 96, 64]);
    }
  });

  it("passes fields in fal's own names to the app, one winning over a mapped parameter with a warning", async () => {
    const prediction = await finish(
      await replicate.predictions.create({
        model: "fal/flux-dev",
        input: { prompt: "a fox", ...small, guidance: 3.5, guidance_scale: 6, enable_safety_checker: false },
      }),
    );
    expect(prediction.status).toBe("succeeded");
    const [submit] = fake.submits();
    expect(submit?.body).toEqual({
      prompt: "a fox",
      image_size: { width: 96, height: 64 },
      num_images: 1,
      guidance_scale: 6,
      enable_safety_checker: false,
    });
    const json = (await (await gateway.api(`/v1/predictions/${prediction.id}`)).json()) as {
      gengate: { warnings: string[] };
    };
    expect(json.gengate.warnings).toEqual([
      "guidance_scale 6, sent in the provider's own name, wins over 3.5 from gengate's parameters",
    ]);
  });

  it("says in the prediction's warnings which image fal's safety checker flagged", async () => {
    fake.faults.nsfw.count = 1;
    const prediction = await finish(
      await replicate.predictions.create({
        model: "fal/flux-dev",
        input: { prompt: "a fox", ...small, num_outputs: 2 },
      }),
    );
    expect(prediction.status).toBe("succeeded");
    expect(prediction.output).toHaveLength(2);
    expect(prediction.logs).toContain("fal flagged NSFW content in image 0");
    const json = (await (await gateway.api(`/v1/predictions/${prediction.id}`)).json()) as {
      gengate?: { warnings?: string[] };
    };
    expect(json.gengate?.warnings).toEqual(["fal flagged NSFW content in image 0"]);
  });

  it("sends an aspect ratio as fal's preset and leaves the rest to the app", async () => {
    const prediction = await finish(
      await replicate.predictions.create({
        model: "fal/sdxl",
        input: { prompt: "wide", aspect_ratio: "16:9" },
      }),
    );
    expect(prediction.status).toBe("succeeded");
    expect(fake.submits()[0]).toMatchObject({
      path: "/fal-ai/fast-sdxl",
      body: { prompt: "wide", image_size: "landscape_16_9", num_images: 1 },
    });
    const image = await fetch((prediction.output as string[])[0] ?? "");
    expect(image.headers.get("content-type")).toBe("image/jpeg");
  });

  it("shows the queue position and fal's logs on the prediction", async () => {
    // The run lasts longer than the reconciler's idle second, so a poll sees it in progress.
    fake.timing.queueMs = 800;
    fake.timing.runMs = 1_500;
    const created = await Promise.all(
      ["one", "two", "three"].map((prompt) =>
        replicate.predictions.create({ model: "fal/flux-dev", input: { prompt, ...small } }),
      ),
    );
    const last = created[2] as Prediction;
    let queued: Prediction | undefined;
    await until(async () => {
      queued = await replicate.predictions.get(last.id);
      return /Waiting in the fal queue at position [12]/.test(queued.logs ?? "");
    });
    expect(queued?.status).toBe("starting");
    let running: Prediction | undefined;
    await until(async () => {
      running = await replicate.predictions.get(last.id);
      return running.status === "processing";
    });
    expect(running?.logs).toContain('Generating "');
    const done = await Promise.all(created.map(finish));
    expect(done.map((p) => p.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });

  it("fails a prediction with fal's message", async () => {
    fake.faults.failures = {
      count: 1,
      message: "CUDA out of memory",
      errorType: "runner_server_error",
      httpStatus: 500,
    };
    const created = await replicate.predictions.create({
      model: "fal/flux-dev",
      input: { prompt: "x", ...small },
    });
    await expect(finish(created)).rejects.toThrow("Prediction failed: CUDA out of memory");
    expect(await replicate.predictions.get(created.id)).toMatchObject({
      status: "failed",
      error: "CUDA out of memory",
    });
  });

  it("rides out a burst of 5xx and a 429, submitting once", async () => {
    fake.faults.rateLimits = { count: 1, retryAfterSeconds: 1 };
    fake.faults.serverErrors = { count: 2, status: 503, route: "status" };
    const started = Date.now();
    const prediction = await finish(
      await replicate.predictions.create({ model: "fal/flux-dev", input: { prompt: "x", ...small } }),
    );
    expect(prediction.status).toBe("succeeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.submits()).toHaveLength(2);
    expect(fake.jobs()).toHaveLength(1);
  });

  it("cancels the request at fal", async () => {
    fake.timing.queueMs = 10_000;
    const created = await replicate.predictions.create({
      model: "fal/flux-dev",
      input: { prompt: "x", ...small },
    });
    await until(async () => /queue/.test((await replicate.predictions.get(created.id)).logs ?? ""));
    const canceled = await replicate.predictions.cancel(created.id);
    expect(canceled.status).toBe("canceled");
    const [job] = fake.jobs();
    expect(job).toMatchObject({ canceled: true });
    const puts = fake.requests.filter((request) => request.method === "PUT");
    expect(puts.map((request) => request.path)).toEqual([`/fal-ai/flux/requests/${job?.requestId}/cancel`]);
  });

  it("refuses configuration mistakes, naming the file and the path", async () => {
    const file = writeConfig({ apps: { flux: { app: "flux-dev" } } });
    await expect(startGateway(falEnv(file))).rejects.toThrow(
      `${file}: providers.fal.apps.flux.app: must be a fal app id such as "fal-ai/flux/dev"`,
    );
    const empty = writeConfig({ apps: {}, concurrency: 2 });
    await expect(startGateway(falEnv(empty))).rejects.toThrow(
      `${empty}: providers.fal.apps: must name at least one app`,
    );
    const error = await startGateway({ ...falEnv(empty), FAL_JWKS_URL: "jwks" }).catch((e: Error) => e);
    expect(String(error)).toContain("FAL_JWKS_URL: must be an http:// or https:// URL");
    expect(String(error)).not.toContain(fake.key);
  });
});
