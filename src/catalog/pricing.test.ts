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
    replicate: { perRun: 0, perSecond: 0.001, models: { "acme/flux": { perRun: 0.003, perSecond: 0 } } },
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
