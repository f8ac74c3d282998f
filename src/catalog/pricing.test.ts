import { describe, expect, it } from "vitest";
import type { Prediction } from "../core/prediction.ts";
import { loadCatalog } from "./catalog.ts";
import { Pricing } from "./pricing.ts";

function prediction(patch: Partial<Prediction>): Prediction {
  return {
    provider: "replicate",
    providerModel: "acme/any",
    state: "succeeded",
    startedAt: 1,
    metrics: { predict_time: 10 },
    ...patch,
  } as Prediction;
}

describe("Pricing", () => {
  const pricing = new Pricing({
    replicate: {
      perRun: 0,
      perOutput: 0,
      perSecond: 0.001,
      models: { "acme/flux": { perRun: 0.003, perOutput: 0, perSecond: 0 } },
    },
  });

  it("charges per second of predict time, or per run where the model says so", () => {
    expect(pricing.costOf(prediction({}))).toBeCloseTo(0.01);
    expect(pricing.costOf(prediction({ providerModel: "acme/flux" }))).toBeCloseTo(0.003);
  });

  it("charges a failed run for its time but not its run price, and nothing for one that never started", () => {
    expect(pricing.costOf(prediction({ state: "failed" }))).toBeCloseTo(0.01);
    expect(pricing.costOf(prediction({ providerModel: "acme/flux", state: "failed" }))).toBe(0);
    expect(pricing.costOf(prediction({ state: "canceled", startedAt: null }))).toBe(0);
  });

  it("adds every earlier run that used provider time before the prediction fell back", () => {
    const route = {
      endedRuns: [
        { provider: "replicate", providerModel: "acme/any", predictTime: 4 },
        { provider: "replicate", providerModel: "acme/flux", predictTime: 2 },
      ],
    } as Prediction["route"];
    // 10 s now, 4 s before at $0.001 a second, and a failed acme/flux run that costs nothing
    expect(pricing.costOf(prediction({ route }))).toBeCloseTo(0.014);
    const unpricedBefore = { endedRuns: [{ provider: "fal", providerModel: "x", predictTime: 1 }] };
    expect(pricing.costOf(prediction({ route: unpricedBefore as Prediction["route"] }))).toBeUndefined();
  });

  it("prices the simulator and the local models at nothing, unless configured", () => {
    expect(new Pricing().costOf(prediction({ provider: "local" }))).toBe(0);
    expect(new Pricing().costOf(prediction({ provider: "sim" }))).toBe(0);
    expect(
      new Pricing({ local: { perRun: 0.5, perOutput: 0, perSecond: 0, models: {} } }).costOf(
        prediction({ provider: "local" }),
      ),
    ).toBe(0.5);
  });

  it("charges per output of a successful run, and estimates what a queued prediction asks for", () => {
    const perImage = new Pricing({
      fal: { perRun: 0.001, perOutput: 0.01, perSecond: 0, models: {} },
      runpod: { perRun: 0, perOutput: 0, perSecond: 0.002, estimatedSeconds: 30, models: {} },
      replicate: { perRun: 0, perOutput: 0, perSecond: 0.001, models: {} },
    });
    const images = { provider: "fal", output: ["a.png", "b.png", "c.png"] };
    expect(perImage.costOf(prediction(images))).toBeCloseTo(0.031);
    expect(perImage.costOf(prediction({ ...images, state: "failed", metrics: {} }))).toBe(0);
    const queued = prediction({ provider: "fal", state: "queued", input: { num_outputs: 4 } });
    expect(perImage.estimate(queued)).toBeCloseTo(0.041);
    expect(perImage.estimate({ ...queued, input: {} })).toBeCloseTo(0.011);
    expect(perImage.estimate({ ...queued, provider: "runpod" })).toBeCloseTo(0.06);
    // Priced by time with no estimated run time: nothing to hold, so no estimate.
    expect(perImage.estimate({ ...queued, provider: "replicate" })).toBeUndefined();
  });

  it("knows the published price of built-in models unless the configuration sets one", () => {
    const schnell = prediction({
      providerModel: "black-forest-labs/flux-schnell",
      output: ["1.webp", "2.webp"],
    });
    expect(new Pricing().costOf(schnell)).toBeCloseTo(0.006);
    const configured = new Pricing({
      replicate: {
        perRun: 0,
        perOutput: 0,
        perSecond: 0,
        models: { "black-forest-labs/flux-schnell": { perRun: 0, perOutput: 0.002, perSecond: 0 } },
      },
    });
    expect(configured.costOf(schnell)).toBeCloseTo(0.004);
    expect(new Pricing().costOf(prediction({ providerModel: "acme/unknown" }))).toBeUndefined();
  });

  it("sums finished predictions and counts the unpriced ones", () => {
    const sum = pricing.sum([
      prediction({}),
      prediction({ providerModel: "acme/flux" }),
      prediction({ provider: "runpod" }),
      prediction({ state: "running" }),
      prediction({ provider: "sim" }),
    ]);
    expect(sum.usd).toBeCloseTo(0.013);
    expect(sum.unpricedItems).toBe(1);
  });
});

describe("the pricing section", () => {
  const load = (pricing: unknown) =>
    loadCatalog({
      models: {},
      routing: {},
      pricing,
      file: "gengate.config.json",
      knownProviders: ["sim", "fal"],
    });

  it("is read into the catalog", () => {
    const catalog = load({ fal: { perRun: 0.025 } });
    expect(catalog.pricing.costOf(prediction({ provider: "fal" }))).toBeCloseTo(0.025);
  });

  it.each([
    [{ nope: { perRun: 1 } }, "pricing.nope: unknown provider"],
    [{ fal: { perRun: -1 } }, "pricing.fal.perRun: perRun must be 0 or more"],
    [{ fal: { perMinute: 1 } }, "pricing.fal"],
  ])("refuses %j", (pricing, message) => {
    expect(() => load(pricing)).toThrow(message);
  });
});
