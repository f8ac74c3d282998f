/**
 * Training offline with the simulator: Replicate's trainings endpoints driven by the official
 * `replicate` client, and `gengate train` run as a user would, from a folder of photos to a LoRA
 * whose webhook says it is ready.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoraJson } from "../src/core/lora-json.ts";
import { jpegFiles, zipOf } from "../src/engine/training/photos/test-fixtures.ts";
import { cliEnv, runCli } from "./support/cli-process.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

let gateway: TestGateway;
let receiver: WebhookReceiver;
let replicate: Replicate;
const temps: string[] = [];

beforeAll(async () => {
  // The LoRA webhook goes to a receiver on loopback.
  gateway = await startGateway({ GENGATE_SIM_TRAINING_MS: "300", GENGATE_ALLOW_PRIVATE_URLS: "1" });
  receiver = await startWebhookReceiver();
  replicate = new Replicate({ auth: gateway.token, baseUrl: `${gateway.url}/v1` });
});

afterAll(async () => {
  await gateway.close();
  await receiver.close();
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

describe("Replicate's trainings endpoints on the simulator", () => {
  it("train a version with the official client that then runs like any model", async () => {
    const zip = await zipOf(await jpegFiles(4));
    const file = await replicate.files.create(new Blob([new Uint8Array(zip)], { type: "application/zip" }));
    const trainer = await replicate.models.get("sim", "lora-trainer");
    const versionId = trainer.latest_version?.id ?? "";
    // The destination is made first, as on Replicate.
    await replicate.models.create("sim-lora", "bob", { visibility: "private", hardware: "cpu" });
    const created = await replicate.trainings.create("sim", "lora-trainer", versionId, {
      destination: "sim-lora/bob",
      input: { input_images: file.urls.get, trigger_word: "BOB", steps: 10 },
    });
    expect(created.status).toBe("starting");

    let training = created;
    while (!["succeeded", "failed", "canceled"].includes(training.status)) {
      await new Promise((done) => setTimeout(done, 50));
      training = await replicate.trainings.get(training.id);
    }
    expect(training.error).toBeNull();
    const output = training.output as { version: string; weights: string };
    expect(output.version).toMatch(/^sim-lora\/bob:[a-f0-9]{64}$/);
    expect((await fetch(output.weights)).status).toBe(200);
    const listed = await replicate.trainings.list();
    expect(listed.results.map((t) => t.id)).toContain(training.id);

    const image = await replicate.run(output.version as `${string}/${string}:${string}`, {
      input: { prompt: "BOB at the beach", width: 64, height: 64 },
    });
    expect(image).toBeTruthy();
  });
});

describe("gengate train", () => {
  it("turns a folder of photos into a LoRA a prediction can use, and tells its webhook", async () => {
    const folder = await mkdtemp(join(tmpdir(), "gengate-photos-"));
    temps.push(folder);
    for (const photo of await jpegFiles(5, 100)) await writeFile(join(folder, photo.name), photo.data);
    const env = cliEnv({ GENGATE_URL: gateway.url, GENGATE_TOKEN: gateway.token });
    const args = ["train", folder, "--name", "carla", "--trigger", "CARLA", "--samples", "2"];
    const result = await runCli([...args, "--webhook", receiver.url], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("lora:carla");
    expect(result.stderr).toMatch(/ready/);

    const [delivery] = await receiver.waitFor(1);
    const lora = JSON.parse(delivery?.body ?? "{}") as LoraJson;
    expect(lora).toMatchObject({ name: "carla", status: "ready", provider: "sim", photos: 5 });
    expect(lora.samples).toHaveLength(2);

    const response = await gateway.api("/v1/predictions", {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "wait" },
      body: JSON.stringify({
        version: "lora:carla",
        input: { prompt: "on a mountain", width: 64, height: 64 },
      }),
    });
    const prediction = (await response.json()) as {
      status: string;
      input: { prompt: string };
      model: string;
    };
    expect(prediction.status).toBe("succeeded");
    expect(prediction.input.prompt).toBe("CARLA on a mountain");
    expect(prediction.model).toMatch(/^sim-lora\/carla-/);
  });
});
