import { describe, expect, it } from "vitest";
import { parseLatency, sampleLatency } from "./latency.ts";

describe("parseLatency", () => {
  it("reads the three forms", () => {
    expect(parseLatency("0")).toEqual({ kind: "fixed", ms: 0 });
    expect(parseLatency("1500")).toEqual({ kind: "fixed", ms: 1500 });
    expect(parseLatency("uniform:500-3000")).toEqual({ kind: "uniform", minMs: 500, maxMs: 3000 });
    expect(parseLatency("lognormal:1200:0.5")).toEqual({ kind: "lognormal", medianMs: 1200, sigma: 0.5 });
  });

  it("rejects anything else", () => {
    for (const text of ["", "-5", "fast", "uniform:3000-500", "uniform:5", "lognormal:1200", "normal:1:2"]) {
      expect(parseLatency(text), text).toBeNull();
    }
  });
});

describe("sampleLatency", () => {
  it("returns a fixed latency as is", () => {
    expect(sampleLatency({ kind: "fixed", ms: 250 })).toBe(250);
  });

  it("stays inside a uniform range and reaches both ends", () => {
    const uniform = { kind: "uniform", minMs: 100, maxMs: 200 } as const;
    expect(sampleLatency(uniform, () => 0)).toBe(100);
    expect(sampleLatency(uniform, () => 0.999999)).toBe(200);
    for (let i = 0; i < 200; i++) {
      const ms = sampleLatency(uniform);
      expect(ms).toBeGreaterThanOrEqual(100);
      expect(ms).toBeLessThanOrEqual(200);
    }
  });

  it("centres a lognormal on its median", () => {
    const samples = Array.from({ length: 2001 }, () =>
      sampleLatency({ kind: "lognormal", medianMs: 1000, sigma: 0.5 }),
    ).sort((a, b) => a - b);
    const median = samples[1000] as number;
    expect(median).toBeGreaterThan(850);
    expect(median).toBeLessThan(1150);
    expect(samples.at(-1)).toBeGreaterThan(1500);
  });
});
