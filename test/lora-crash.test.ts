/**
 * kill -9 of `gengate serve` during a LoRA's upload, then during its training, then during its
 * sample generation: after each restart the flow continues from the step it was in, and the fake
 * Replicate's log shows one destination model, one training, and each sample made once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LoraJson } from "../src/core/lora-json.ts";
import { jpegFiles } from "../src/engine/training/photos/test-fixtures.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";
import { until } from "./support/until.ts";

const SAMPLES = 3;
const dataDir = mkdtempSync(join(tmpdir(), "gengate-lora-crash-"));
const servers: ServeProcess[] = [];
let fake: FakeReplicate | undefined;

afterAll(async () => {
  for (const { child } of servers) child.kill("SIGKILL");
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const authed = { authorization: `Bearer ${TEST_TOKEN}` };

async function loraOf(url: string): Promise<LoraJson> {
  return (await (await fetch(`${url}/v1/loras/crashy`, { headers: authed })).json()) as LoraJson;
}

async function restart(env: Record<string, string>, previous: ServeProcess): Promise<ServeProcess> {
  previous.child.kill("SIGKILL");
  expect(await previous.exited).toBe("SIGKILL");
  const next = await spawnServe(env);
  servers.push(next);
  return next;
}

describe("a LoRA interrupted by kill -9", () => {
  it("continues each time from the step it was in, creating nothing upstream twice", async () => {
    const started = await startFakeReplicate({ trainingMs: 3_000, latencyMs: { min: 1_500, max: 2_000 } });
    fake = started;
    const env = {
      GENGATE_DATA_DIR: dataDir,
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      REPLICATE_API_TOKEN: started.token,
      REPLICATE_BASE_URL: started.url,
    };
    let server = await spawnServe(env);
    servers.push(server);
    const post = (fields: Record<string, string>, photos: { name: string; data: Buffer }[]) => {
      const form = new FormData();
      for (const [key, value] of Object.entries(fields)) form.append(key, value);
      for (const photo of photos) form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
      return fetch(`${server.url}/v1/loras`, { method: "POST", headers: authed, body: form });
    };
    const photos = await jpegFiles(4);
    // Bad parameters fetch the trainer's schema and are refused, so that the next create calls nothing upstream.
    expect((await post({ name: "crashy", params: JSON.stringify({ steps: 1 }) }, photos)).status).toBe(422);

    // The upload: the fake stores the zip, then holds its answer.
    started.faults.slow(10_000, 1);
    expect((await post({ name: "crashy", samples: String(SAMPLES) }, photos)).status).toBe(201);
    await until(() => started.requests.find((r) => r.method === "POST" && r.path === "/v1/files"));
    expect((await loraOf(server.url)).status).toBe("uploading");
    server = await restart(env, server);

    // The training: running upstream when the process dies.
    await until(() => started.predictions().find((p) => p.kind === "training" && p.status === "processing"));
    expect((await loraOf(server.url)).status).toBe("training");
    server = await restart(env, server);

    // The samples: some made upstream, none finished.
    await until(() => started.predictions().find((p) => p.kind === "prediction"));
    expect((await loraOf(server.url)).status).toBe("sampling");
    server = await restart(env, server);

    const lora = await until(async () => {
      const current = await loraOf(server.url);
      return current.status === "sampling" || current.status === "training" ? undefined : current;
    });
    expect(lora.error).toBeNull();
    expect(lora.status).toBe("ready");
    expect(lora.samples.map((sample) => sample.status)).toEqual(Array(SAMPLES).fill("succeeded"));

    const modelCreates = started.requests.filter((r) => r.method === "POST" && r.path === "/v1/models");
    expect(modelCreates.map((r) => r.status)).toEqual([201]);
    expect(started.predictions().filter((p) => p.kind === "training")).toHaveLength(1);
    const samplePrompts = started
      .predictions()
      .filter((p) => p.kind === "prediction")
      .map((p) => p.input.prompt);
    expect(samplePrompts).toHaveLength(SAMPLES);
    expect(new Set(samplePrompts).size).toBe(SAMPLES);
  });
});
