import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config.ts";
import { parseSimConfig } from "./config.ts";

describe("parseSimConfig", () => {
  it("has defaults", () => {
    expect(parseSimConfig({})).toEqual({
      latency: { kind: "uniform", minMs: 300, maxMs: 1200 },
      failureRate: 0,
      concurrency: 256,
      ratePerMinute: 600_000,
      trainingMs: 3000,
    });
  });

  it("reads every variable", () => {
    const config = parseSimConfig({
      GENGATE_SIM_LATENCY: "lognormal:800:0.3",
      GENGATE_SIM_FAILURE_RATE: "0.25",
      GENGATE_SIM_CONCURRENCY: "8",
      GENGATE_SIM_RATE_PER_MINUTE: "120",
      GENGATE_SIM_TRAINING_MS: "250",
    });
    expect(config).toEqual({
      latency: { kind: "lognormal", medianMs: 800, sigma: 0.3 },
      failureRate: 0.25,
      concurrency: 8,
      ratePerMinute: 120,
      trainingMs: 250,
    });
  });

  it("treats empty values as unset", () => {
    expect(parseSimConfig({ GENGATE_SIM_FAILURE_RATE: "" }).failureRate).toBe(0);
  });

  it.each([
    ["GENGATE_SIM_FAILURE_RATE", "2", 'GENGATE_SIM_FAILURE_RATE: must be between 0 and 1 (got "2")'],
    ["GENGATE_SIM_FAILURE_RATE", "often", "GENGATE_SIM_FAILURE_RATE: must be between 0 and 1"],
    ["GENGATE_SIM_LATENCY", "soon", 'GENGATE_SIM_LATENCY: must be milliseconds, "uniform:MIN-MAX"'],
    ["GENGATE_SIM_LATENCY", "uniform:900-100", "GENGATE_SIM_LATENCY: must be"],
    ["GENGATE_SIM_CONCURRENCY", "0", "GENGATE_SIM_CONCURRENCY: must be a positive integer"],
    ["GENGATE_SIM_CONCURRENCY", "1.5", "GENGATE_SIM_CONCURRENCY: must be a positive integer"],
    ["GENGATE_SIM_RATE_PER_MINUTE", "-1", "GENGATE_SIM_RATE_PER_MINUTE: must be a positive number"],
    ["GENGATE_SIM_TRAINING_MS", "-5", "GENGATE_SIM_TRAINING_MS: must be a whole number of milliseconds"],
  ])("rejects %s=%s naming the variable", (name, value, message) => {
    const parse = () => parseSimConfig({ [name]: value });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
  });
});
