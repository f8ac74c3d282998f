/**
 * Catalog aliases through gengate's public API: each fallback trigger (missing capability,
 * unsupported parameter, provider error), size adaptation, validation before spending, weighted
 * load balancing and the circuit breaker, against the fake Replicate and the simulator.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

const FLUX_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];
const flux = {
  provider: "replicate",
  model: "fake-official/flux-schnell",
  capabilities: { sizeForm: "aspect_ratio", aspectRatios: FLUX_RATIOS, maxOutputs: 4 },
  params: { reference_image: null, negative_prompt: null },
};
const sdxl = {
  provider: "replicate",
  model: "fake/sdxl",
  capabilities: { referenceImage: true, sizeForm: "width_height", sizeMultipleOf: 8, maxOutputs: 4 },
  params: { reference_image: "image" },
};
const sim = { provider: "sim", model: "sim/image", capabilities: { referenceImage: true, maxOutputs: 4 } };
const CONFIG = {
  models: {
    draw: { description: "flux, then sdxl", targets: [flux], fallback: "edit" },
    edit: { targets: [sdxl] },
    quick: { onUnsupported: "drop", targets: [flux] },
    chain: { targets: [flux], fallback: "backup" },
    backup: { targets: [{ ...sim, params: { reference_image: "image" } }] },
    flaky: { targets: [sim, { ...sim, input: { fail: false } }] },
    patient: {
      targets: [
        { ...sim, retries: 1 },
        { ...sim, input: { fail: false } },
      ],
    },
    split: {
      strategy: "loadbalance",
      targets: [
        { ...sim, weight: 3 },
        { ...sim, weight: 1 },
      ],
    },
    nowhere: { targets: [{ provider: "runpod", model: "runpod/none" }, sim] },
  },
  routing: { circuitBreaker: { failures: 2, windowMs: 60_000, openMs: 500 } },
};

interface RoutedPrediction {
  id: string;
  model: string;
  status: string;
  output: string[] | null;
  error: string | null;
  input: Record<string, unknown>;
  gengate: {
    alias: string;
    target: { key: string; provider: string; model: string };
    target_input: Record<string, unknown>;
    route: { target: string; outcome: string; reason?: string }[];
    warnings: string[];
  };
}

let dir: string;
let fake: FakeReplicate;
let gateway: TestGateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gengate-routing-"));
  const file = join(dir, "gengate.config.json");
  writeFileSync(file, JSON.stringify(CONFIG));
  fake = await startFakeReplicate({ latencyMs: { min: 10, max: 30 } });
  gateway = await startGateway({
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    GENGATE_CONFIG: file,
  });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await gateway.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(alias: string, input: Record<string, unknown>): Promise<RoutedPrediction> {
  const response = await gateway.api(`/v1/models/gengate/${alias}/predictions`, {
    method: "POST",
    headers: { prefer: "wait", "content-type": "application/json" },
    body: JSON.stringify({ input }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as RoutedPrediction;
}

const creates = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/predictions"));
const routeOf = (p: RoutedPrediction) => p.gengate.route.map((e) => [e.target, e.outcome, e.reason ?? ""]);

async function pngDataUrl(): Promise<string> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString("base64")}`;
}

describe("routing catalog aliases", () => {
  it("runs an alias on its first target, converting the size to the aspect ratio it takes", async () => {
    const p = await run("draw", { prompt: "a fox", width: 1024, height: 768 });
    expect(p.status).toBe("succeeded");
    expect(p.model).toBe("gengate/draw");
    expect(p.input).toEqual({ prompt: "a fox", width: 1024, height: 768 });
    expect(p.gengate.target).toEqual({
      key: "draw#0",
      provider: "replicate",
      model: "fake-official/flux-schnell",
    });
    expect(p.gengate.target_input).toMatchObject({ prompt: "a fox", aspect_ratio: "4:3" });
    expect(p.gengate.warnings).toEqual([
      "size 1024x768 sent as aspect_ratio 4:3: fake-official/flux-schnell takes an aspect ratio",
    ]);
    expect(routeOf(p)).toEqual([["draw#0", "ran", ""]]);
  });

  it("moves a request needing a capability the model lacks to the next model", async () => {
    const p = await run("draw", {
      prompt: "a fox",
      reference_image: await pngDataUrl(),
      aspect_ratio: "16:9",
    });
    expect(p.status).toBe("succeeded");
    expect(routeOf(p)).toEqual([
      ["draw#0", "skipped", "capability missing: reference image"],
      ["edit#0", "ran", ""],
    ]);
    expect(p.gengate.target_input).toMatchObject({ width: 1368, height: 768 });
    expect(p.gengate.warnings[0]).toContain("aspect_ratio 16:9 sent as size 1368x768");
    expect(creates()).toHaveLength(1);
    expect(creates()[0]?.body).toMatchObject({ input: { image: expect.stringMatching(/^data:image\/png/) } });
  });

  it("moves a request with a parameter the model does not take, or drops it when the rule says so", async () => {
    const moved = await run("draw", { prompt: "a fox", negative_prompt: "blur" });
    expect(routeOf(moved)).toEqual([
      [
        "draw#0",
        "skipped",
        "unsupported parameter: fake-official/flux-schnell does not take negative_prompt",
      ],
      ["edit#0", "ran", ""],
    ]);
    expect(moved.gengate.target_input).toMatchObject({ negative_prompt: "blur" });
    const dropped = await run("quick", { prompt: "a fox", negative_prompt: "blur" });
    expect(dropped.status).toBe("succeeded");
    expect(dropped.gengate.target_input).not.toHaveProperty("negative_prompt");
    expect(dropped.gengate.warnings).toEqual([
      "negative_prompt dropped: fake-official/flux-schnell does not take it",
    ]);
  });

  it("falls back to the next model, on another provider, when the provider fails", async () => {
    await run("chain", { prompt: "warm the schema cache" });
    fake.faults.errors5xx(1, 402);
    const p = await run("chain", { prompt: "a fox" });
    expect(p.status).toBe("succeeded");
    expect(p.gengate.target).toMatchObject({ key: "backup#0", provider: "sim" });
    expect(routeOf(p)).toEqual([
      ["chain#0", "failed", expect.stringContaining("payment")],
      ["backup#0", "ran", ""],
    ]);
    expect(p.output).toHaveLength(1);
  });

  it("retries a failed run on the same target as its retry policy says, then moves on", async () => {
    const p = await run("patient", { prompt: "a", width: 64, height: 64, fail: "flaky GPU" });
    expect(p.status).toBe("succeeded");
    expect(routeOf(p)).toEqual([
      ["patient#0", "failed", "flaky GPU"],
      ["patient#0", "failed", "flaky GPU"],
      ["patient#1", "ran", ""],
    ]);
  });

  it("skips a target whose provider is not configured", async () => {
    const p = await run("nowhere", { prompt: "a fox" });
    expect(p.status).toBe("succeeded");
    expect(routeOf(p)).toEqual([
      ["nowhere#0", "skipped", "provider not configured: runpod"],
      ["nowhere#1", "ran", ""],
    ]);
  });

  it("answers 422 with invalid_fields before any upstream request when no target takes the input", async () => {
    const response = await gateway.api("/v1/predictions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ version: "gengate/draw", input: { prompt: "a fox", seed: "nope" } }),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { detail: string; invalid_fields: { field: string }[] };
    expect(problem.invalid_fields.map((f) => f.field)).toContain("input.seed");
    expect(problem.detail).toContain("draw#0");
    expect(problem.detail).toContain("edit#0");
    expect(creates()).toHaveLength(0);
  });

  it("opens a target's circuit after repeated failures and closes it after a good probe", async () => {
    const failing = await run("flaky", { prompt: "a", width: 64, height: 64, fail: "upstream down" });
    expect(routeOf(failing)).toEqual([
      ["flaky#0", "failed", "upstream down"],
      ["flaky#1", "ran", ""],
    ]);
    await run("flaky", { prompt: "b", width: 64, height: 64, fail: "upstream down" });
    const open = await run("flaky", { prompt: "c", width: 64, height: 64 });
    expect(routeOf(open)).toEqual([
      ["flaky#0", "skipped", "circuit open"],
      ["flaky#1", "ran", ""],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const probe = await run("flaky", { prompt: "d", width: 64, height: 64 });
    expect(routeOf(probe)).toEqual([["flaky#0", "ran", ""]]);
    const closed = await run("flaky", { prompt: "e", width: 64, height: 64 });
    expect(routeOf(closed)).toEqual([["flaky#0", "ran", ""]]);
  });

  it("splits load by the configured weights", async () => {
    const counts: Record<string, number> = {};
    const total = 1_000;
    for (let sent = 0; sent < total; sent += 50) {
      const batch = Array.from({ length: 50 }, async () => {
        const response = await gateway.api("/v1/models/gengate/split/predictions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ input: { prompt: "x", width: 64, height: 64, latency_ms: 0 } }),
        });
        const p = (await response.json()) as RoutedPrediction;
        counts[p.gengate.target.key] = (counts[p.gengate.target.key] ?? 0) + 1;
      });
      await Promise.all(batch);
    }
    // weighted round-robin: 3 of every 4 requests, give or take where the cycle stood at the start
    expect(Math.abs((counts["split#0"] ?? 0) / total - 0.75)).toBeLessThanOrEqual(0.01);
    expect((counts["split#0"] ?? 0) + (counts["split#1"] ?? 0)).toBe(total);
  }, 60_000);
});
