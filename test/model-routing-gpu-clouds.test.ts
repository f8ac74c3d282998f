/**
 * An alias served by fal first and RunPod second: a run that fails on fal's queue moves to the
 * RunPod endpoint, with gengate's parameters mapped to each one's input.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "./fakes/fal/index.ts";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

const dir = mkdtempSync(join(tmpdir(), "gengate-gpu-routing-"));
let fal: FakeFal;
let runpod: FakeRunpod;
let gateway: TestGateway;

beforeAll(async () => {
  fal = await startFakeFal({ queueMs: 30, runMs: 30 });
  runpod = await startFakeRunpod({ endpoints: { sd: { worker: "a1111" } } });
  const file = join(dir, "gengate.config.json");
  const config = {
    providers: {
      fal: { apps: { "flux-dev": { app: "fal-ai/flux/dev" } } },
      runpod: { endpoints: { sdxl: { endpointId: "sd", worker: "a1111" } } },
    },
    models: {
      gpu: {
        targets: [
          {
            provider: "fal",
            model: "fal/flux-dev",
            capabilities: { sizeForm: "width_height", maxOutputs: 4 },
          },
          {
            provider: "runpod",
            model: "runpod/sdxl",
            capabilities: { sizeForm: "width_height", sizeMultipleOf: 8, maxOutputs: 4 },
          },
        ],
      },
    },
  };
  writeFileSync(file, JSON.stringify(config));
  gateway = await startGateway({
    FAL_KEY: fal.key,
    FAL_QUEUE_URL: fal.queueUrl,
    FAL_JWKS_URL: fal.jwksUrl,
    RUNPOD_API_KEY: runpod.apiKey,
    RUNPOD_BASE_URL: runpod.url,
    GENGATE_CONFIG: file,
  });
});
afterAll(async () => {
  await gateway.close();
  await fal.close();
  await runpod.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("an alias across fal and RunPod", () => {
  it("moves a run that failed on fal to the RunPod endpoint", async () => {
    fal.faults.failures.count = 1;
    const response = await gateway.api("/v1/models/gengate/gpu/predictions", {
      method: "POST",
      headers: { prefer: "wait", "content-type": "application/json" },
      body: JSON.stringify({ input: { prompt: "a fox", width: 68, height: 64, steps: 12 } }),
    });
    const p = (await response.json()) as {
      status: string;
      output: string[];
      gengate: {
        target: { provider: string };
        warnings: string[];
        route: { target: string; outcome: string; reason?: string }[];
      };
    };
    expect(p.status).toBe("succeeded");
    expect(p.output).toHaveLength(1);
    expect(p.gengate.target.provider).toBe("runpod");
    expect(p.gengate.route.map((e) => [e.target, e.outcome])).toEqual([
      ["gpu#0", "failed"],
      ["gpu#1", "ran"],
    ]);
    expect(p.gengate.route[0]?.reason).toContain("Runner crashed");
    const runs = runpod.requests.filter((r) => r.operation === "run");
    expect(runs).toHaveLength(1);
    expect(runs[0]?.body).toMatchObject({ input: { prompt: "a fox", width: 72, height: 64, steps: 12 } });
    expect(p.gengate.warnings).toEqual(["size 68x64 snapped to 72x64, multiples of 8"]);
  });
});
