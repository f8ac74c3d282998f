/**
 * RunPod through gengate's public API: the official `replicate` client against a real gengate
 * whose configuration file lists endpoints of the fake RunPod, one per worker kind and scenario.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Replicate from "replicate";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { signedFileLink } from "./support/file-link.ts";
import { freePort } from "./support/free-port.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

const dir = mkdtempSync(join(tmpdir(), "gengate-runpod-"));
const configFile = join(dir, "gengate.config.json");
const presets = { positive: "cinematic lighting", negative: "blurry, watermark" };
let fake: FakeRunpod;
let gateway: TestGateway;
let replicate: Replicate;

function writeConfig(file: string, runpod: unknown): string {
  writeFileSync(file, JSON.stringify({ providers: { runpod } }));
  return file;
}

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: {
      sd: { worker: "a1111" },
      comfy: { worker: "comfyui" },
      flux: { worker: "flux" },
      short: { worker: "a1111", executionMs: 100 },
      crashy: { worker: "comfyui" },
      stuck: { worker: "a1111" },
    },
  });
  writeConfig(configFile, {
    endpoints: {
      sdxl: { endpointId: "sd", worker: "a1111", description: "SDXL base", presets },
      comfy: { endpointId: "comfy", worker: "comfyui" },
      flux: { endpointId: "flux", worker: "flux" },
      expiring: { endpointId: "short", worker: "a1111" },
      crashy: { endpointId: "crashy", worker: "comfyui", retryDelayMs: 50 },
      stuck: { endpointId: "stuck", worker: "a1111" },
    },
  });
  gateway = await startGateway({
    RUNPOD_API_KEY: fake.apiKey,
    RUNPOD_BASE_URL: fake.url,
    GENGATE_CONFIG: configFile,
  });
  replicate = new Replicate({ auth: gateway.token, baseUrl: `${gateway.url}/v1` });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await gateway.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const runBodies = () =>
  fake.requests.filter((r) => r.operation === "run").map((r) => r.body as { input: Record<string, unknown> });

async function imageAt(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return sharp(Buffer.from(await response.arrayBuffer())).metadata();
}

describe("RunPod models through gengate", () => {
  it("lists each configured endpoint as runpod/<name>, saying which worker runs it", async () => {
    const model = await replicate.models.get("runpod", "sdxl");
    expect(model.description).toBe(
      "SDXL base. Runs on RunPod serverless endpoint sd with the AUTOMATIC1111 (worker-a1111) worker.",
    );
    const flux = await replicate.models.get("runpod", "flux");
    expect(flux.description).toContain("Flux");
  });

  it.each([
    ["sdxl", { width: 96, height: 64, num_outputs: 2 }, 2],
    ["comfy", { width: 96, height: 64, num_outputs: 2 }, 2],
    ["flux", { width: 320, height: 256 }, 1],
  ])(
    "runpod/%s returns outputs stored in gengate, readable after RunPod discarded them",
    async (name, input, count) => {
      const output = (await replicate.run(`runpod/${name}`, {
        input: { prompt: "a red fox", ...input },
      })) as string[];
      expect(output).toHaveLength(count);
      for (const url of output) expect(url).toMatch(signedFileLink(gateway.url, "png"));
      fake.reset();
      const image = await imageAt(output[0] ?? "");
      expect([image.format, image.width, image.height]).toEqual(["png", input.width, input.height]);
    },
  );

  it("maps gengate's parameters onto the worker's input, with presets on or off", async () => {
    const input = {
      prompt: "a fox",
      negative_prompt: "fog",
      width: 64,
      height: 64,
      steps: 12,
      cfg_scale: 4.5,
      seed: 3,
      sampler: "dpmpp_2m",
      scheduler: "karras",
    };
    const on = await replicate.predictions.create({ model: "runpod/sdxl", input });
    const off = await replicate.predictions.create({
      model: "runpod/sdxl",
      input: { ...input, use_enhanced_prompts: false },
    });
    const done = await replicate.wait(on, { interval: 100 });
    await replicate.wait(off, { interval: 100 });
    expect(done).toMatchObject({ status: "succeeded", model: "runpod/sdxl", error: null });
    expect(done.logs).toContain("Using seed: 3");
    const [withPresets, without] = runBodies();
    expect(withPresets?.input).toEqual({
      prompt: "a fox, cinematic lighting",
      negative_prompt: "fog, blurry, watermark",
      width: 64,
      height: 64,
      steps: 12,
      cfg_scale: 4.5,
      seed: 3,
      sampler_name: "DPM++ 2M",
      scheduler: "Karras",
      batch_size: 1,
      n_iter: 1,
      override_settings: { samples_format: "png" },
    });
    expect([without?.input.prompt, without?.input.negative_prompt]).toEqual(["a fox", "fog"]);
  });

  it("sends the request's own A1111 fields to the worker, winning over mapped ones, each change a warning", async () => {
    const own = await replicate.predictions.create({
      model: "runpod/sdxl",
      input: {
        prompt: "a fox",
        width: 64,
        height: 64,
        sampler_name: "DPM++ 2M Karras",
        use_enhanced_prompts: false,
      },
    });
    const both = await replicate.predictions.create({
      model: "runpod/sdxl",
      input: { prompt: "a fox", width: 64, height: 64, sampler: "dpmpp_2m", sampler_name: "DPM++ 2M Karras" },
    });
    const [ownDone, bothDone] = await Promise.all(
      [own, both].map((p) => replicate.wait(p, { interval: 100 })),
    );
    expect(ownDone?.status).toBe("succeeded");
    expect(bothDone?.status).toBe("succeeded");
    for (const body of runBodies()) expect(body.input.sampler_name).toBe("DPM++ 2M Karras");
    // What the worker ran with, as A1111 reports it.
    const ran = fake
      .jobs()
      .map((job) => (job.output as { parameters?: { sampler_name?: string } }).parameters);
    expect(ran.map((parameters) => parameters?.sampler_name)).toEqual(["DPM++ 2M Karras", "DPM++ 2M Karras"]);

    const warningsOf = async (id: string) =>
      ((await (await gateway.api(`/v1/predictions/${id}`)).json()) as { gengate?: { warnings?: string[] } })
        .gengate?.warnings;
    expect(await warningsOf(own.id)).toBeUndefined();
    expect(await warningsOf(both.id)).toEqual([
      "prompts extended with the endpoint's presets (use_enhanced_prompts: false sends them as they are)",
      `sampler_name "DPM++ 2M Karras", sent in the provider's own name, wins over "DPM++ 2M" from gengate's parameters`,
    ]);
  });

  it("says when a worker drops a parameter it does not take", async () => {
    const prediction = await replicate.predictions.create({
      model: "runpod/flux",
      input: { prompt: "a fox", width: 256, height: 256, sampler: "euler" },
    });
    await replicate.wait(prediction, { interval: 100 });
    const [body] = runBodies();
    expect(body?.input).not.toHaveProperty("sampler");
    const json = (await (await gateway.api(`/v1/predictions/${prediction.id}`)).json()) as {
      gengate: { warnings: string[] };
    };
    expect(json.gengate.warnings).toEqual([
      "sampler dropped: the Flux (RunPod public Flux endpoint) worker does not take it",
    ]);
  });

  it("refuses input the worker cannot take before anything is sent to RunPod", async () => {
    await expect(
      replicate.predictions.create({ model: "runpod/flux", input: { prompt: "x", width: 300 } }),
    ).rejects.toThrow(/multiple of 64/);
    expect(fake.requests).toEqual([]);
  });

  it("fails with a clear reason when the result expired before gengate collected it", async () => {
    fake.faults.expireResults("short", 0);
    const prediction = await replicate.predictions.create({
      model: "runpod/expiring",
      input: { prompt: "x", width: 64, height: 64 },
    });
    await expect(replicate.wait(prediction, { interval: 100 })).rejects.toThrow(
      "result expired before gengate collected it",
    );
    const done = await replicate.predictions.get(prediction.id);
    expect(done.status).toBe("failed");
    expect(done.output).toBeNull();
  });

  it("retries a crashing worker 3 times, then fails with the worker's message", async () => {
    fake.faults.crash("crashy", Number.POSITIVE_INFINITY, "CUDA error: out of memory");
    await expect(
      replicate.run("runpod/crashy", { input: { prompt: "x", width: 64, height: 64 } }),
    ).rejects.toThrow("Prediction failed: CUDA error: out of memory");
    const calls = fake.requests.filter((r) => r.operation === "run" || r.operation === "retry");
    expect(calls.map((r) => r.operation)).toEqual(["run", "retry", "retry", "retry"]);
    expect(new Set(calls.slice(1).map((r) => r.jobId)).size).toBe(1);
  });

  it("cancels the RunPod job when the prediction is canceled", async () => {
    fake.faults.stuck("stuck");
    const prediction = await replicate.predictions.create({
      model: "runpod/stuck",
      input: { prompt: "x", width: 64, height: 64 },
    });
    const deadline = Date.now() + 5_000;
    while (fake.jobs()[0]?.status !== "IN_PROGRESS" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const canceled = await replicate.predictions.cancel(prediction.id);
    expect(canceled.status).toBe("canceled");
    expect(fake.requests.filter((r) => r.operation === "cancel").map((r) => r.jobId)).toEqual([
      fake.jobs()[0]?.id,
    ]);
    expect(fake.jobs()[0]?.status).toBe("CANCELLED");
  });
});

describe("RunPod webhooks into gengate", () => {
  it("registers a tokened webhook URL; RunPod's call ends the prediction before the fallback poll", async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const hooked = await startGateway({
      RUNPOD_API_KEY: fake.apiKey,
      RUNPOD_BASE_URL: fake.url,
      GENGATE_CONFIG: configFile,
      PORT: String(port),
      PUBLIC_URL: publicUrl,
    });
    try {
      const client = new Replicate({ auth: hooked.token, baseUrl: `${hooked.url}/v1` });
      const started = Date.now();
      const prediction = await client.predictions.create({
        model: "runpod/sdxl",
        input: { prompt: "x", width: 64, height: 64 },
      });
      const done = await client.wait(prediction, { interval: 50 });
      expect(done.status).toBe("succeeded");
      expect(Date.now() - started).toBeLessThan(4_000); // polls alone would wait 5 s
      const hook = runBodies()[0] as unknown as { webhook: string };
      expect(hook.webhook).toMatch(
        new RegExp(
          `^${publicUrl}/hooks/runpod\\?prediction=${prediction.id}&submit=[a-z2-7]{26}&token=[\\w-]{43}$`,
        ),
      );
      expect(fake.webhooks).toEqual([
        expect.objectContaining({ url: hook.webhook, status: 200, attempt: 1 }),
      ]);

      const forged = new URL(hook.webhook);
      forged.searchParams.set("token", "A".repeat(43));
      const refused = await fetch(forged, {
        method: "POST",
        body: JSON.stringify({ id: "x", status: "COMPLETED" }),
      });
      expect(refused.status).toBe(401);
    } finally {
      await hooked.close();
    }
  });
});
