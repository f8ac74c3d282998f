/**
 * `kill -9` of `gengate serve` while RunPod jobs are in flight: after a restart every prediction
 * completes from its stored operation, and the fake's recorded /run calls show none was submitted
 * twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

const authed = { authorization: `Bearer ${TEST_TOKEN}` };
const dir = mkdtempSync(join(tmpdir(), "gengate-runpod-crash-"));
let fake: FakeRunpod;
const processes: ServeProcess[] = [];

beforeAll(async () => {
  const slow = { workers: 8, queueMs: 100, executionMs: 2_500 };
  fake = await startFakeRunpod({
    endpoints: {
      sd: { worker: "a1111", ...slow },
      comfy: { worker: "comfyui", ...slow },
      flux: { worker: "flux", ...slow },
    },
  });
});
afterAll(async () => {
  for (const { child } of processes) child.kill("SIGKILL");
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

interface PredictionJson {
  id: string;
  status: string;
  started_at: string | null;
  output: string[] | null;
}

async function get(url: string, id: string): Promise<PredictionJson> {
  return (await (await fetch(`${url}/v1/predictions/${id}`, { headers: authed })).json()) as PredictionJson;
}

async function waitFor(url: string, ids: string[], done: (p: PredictionJson) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await Promise.all(ids.map((id) => get(url, id)));
    if (all.every(done) || Date.now() > deadline) return all;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The prompt of a /run body: A1111 and Flux take it as is, ComfyUI in its text-encode node. */
function promptOf(body: unknown): unknown {
  const input = (
    body as { input: { prompt?: string; workflow?: Record<string, { inputs: { text?: string } }> } }
  ).input;
  return input.prompt ?? input.workflow?.["6"]?.inputs.text;
}

describe("RunPod crash recovery", () => {
  it("finishes in-flight RunPod jobs after kill -9, submitting each exactly once", async () => {
    const configFile = join(dir, "gengate.config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        providers: {
          runpod: {
            endpoints: {
              sdxl: { endpointId: "sd", worker: "a1111" },
              comfy: { endpointId: "comfy", worker: "comfyui" },
              flux: { endpointId: "flux", worker: "flux" },
            },
          },
        },
      }),
    );
    const env = {
      GENGATE_DATA_DIR: join(dir, "data"),
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      GENGATE_CONFIG: configFile,
      RUNPOD_API_KEY: fake.apiKey,
      RUNPOD_BASE_URL: fake.url,
    };
    const first = await spawnServe(env);
    processes.push(first);
    const models = ["sdxl", "comfy", "flux"];
    const ids = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const response = await fetch(`${first.url}/v1/models/runpod/${models[i % 3]}/predictions`, {
          method: "POST",
          headers: authed,
          body: JSON.stringify({ input: { prompt: `crash ${i}`, width: 256, height: 256 } }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
      }),
    );
    // started_at is set once the RunPod job id is stored with the prediction
    const before = await waitFor(first.url, ids, (p) => p.started_at !== null, 10_000);
    expect(before.map((p) => p.status)).not.toContain("succeeded");
    expect(before.every((p) => p.started_at !== null)).toBe(true);

    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    expect(fake.jobs().filter((job) => job.status !== "COMPLETED").length).toBeGreaterThan(0);

    const second = await spawnServe(env);
    processes.push(second);
    const after = await waitFor(second.url, ids, (p) => p.status === "succeeded", 20_000);
    expect(after.map((p) => p.status)).toEqual(ids.map(() => "succeeded"));

    const runs = fake.requests.filter((r) => r.operation === "run");
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => promptOf(r.body))).size).toBe(12);

    fake.reset();
    const image = await fetch(after[0]?.output?.[0] ?? "");
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(256);
  }, 45_000);
});
