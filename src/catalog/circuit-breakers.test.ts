import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "./circuit-breakers.ts";

describe("a circuit breaker", () => {
  it("opens after N failures in the window, lets one probe through after the open time, closes on success", () => {
    const breakers = new CircuitBreakers({ failures: 2, windowMs: 1_000, openMs: 500 });
    breakers.failure("k", 0);
    breakers.failure("k", 2_000);
    expect(breakers.admit("k", 2_001)).toBe("closed");
    breakers.failure("k", 2_100);
    expect(breakers.state("k", 2_200)).toBe("open");
    expect(breakers.admit("k", 2_200)).toBe("open");
    expect(breakers.admit("k", 2_700)).toBe("probe");
    expect(breakers.admit("k", 2_701)).toBe("open");
    breakers.failure("k", 2_800);
    expect(breakers.admit("k", 3_000)).toBe("open");
    expect(breakers.admit("k", 3_400)).toBe("probe");
    breakers.success("k");
    expect(breakers.state("k")).toBe("closed");
  });

  it("lets the next request probe at once when the probe is released", () => {
    const breakers = new CircuitBreakers({ failures: 1, windowMs: 1_000, openMs: 500 });
    breakers.failure("k", 0);
    expect(breakers.admit("k", 600)).toBe("probe");
    expect(breakers.admit("k", 700)).toBe("open");
    breakers.release("k");
    expect(breakers.state("k", 700)).toBe("half-open");
    expect(breakers.admit("k", 700)).toBe("probe");
  });

  it("takes a probe not heard of within the open time as lost", () => {
    const breakers = new CircuitBreakers({ failures: 1, windowMs: 1_000, openMs: 500 });
    breakers.failure("k", 0);
    expect(breakers.admit("k", 600)).toBe("probe");
    expect(breakers.admit("k", 1_099)).toBe("open");
    expect(breakers.admit("k", 1_100)).toBe("probe");
  });
});
