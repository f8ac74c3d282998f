import { describe, expect, it } from "vitest";
import { budgetAt, lowered, QUIET_MS, rateAt, SAME_EPISODE_MS, unlowered } from "./adaptive-limit.ts";

const configured = { perMinute: 600, burst: 30 };

describe("the AIMD controller of a rate bucket", () => {
  it("keeps the configured budget until the upstream refuses", () => {
    expect(budgetAt(configured, null, 0)).toEqual(configured);
    expect(unlowered(configured, null, 0)).toBe(true);
  });

  it("drops to 99% of the limit a 429 states, with no burst, never above the configured rate", () => {
    const learned = lowered(configured, null, 1_000, { perMinute: 60 });
    expect(learned).toEqual({ perMinute: 59.4, burst: 1, at: 1_000 });
    expect(budgetAt(configured, learned, 1_000)).toEqual({ perMinute: 59.4, burst: 1 });
    expect(lowered(configured, null, 1_000, { perMinute: 6_000 }).perMinute).toBe(600);
  });

  it("keeps the burst a 429 states, up to the configured one", () => {
    const learned = lowered(configured, null, 0, { perMinute: 60, burst: 6 });
    expect(budgetAt(configured, learned, 0)).toEqual({ perMinute: 59.4, burst: 6 });
    const large = lowered(configured, null, 0, { perMinute: 60, burst: 100 });
    expect(budgetAt(configured, large, 0).burst).toBe(30);
  });

  it("halves the rate on a 429 that states no limit, once for the 429s of one overload", () => {
    const first = lowered(configured, null, 10_000);
    expect(first).toEqual({ perMinute: 300, burst: 1, at: 10_000 });
    expect(lowered(configured, first, 10_000 + SAME_EPISODE_MS - 1)).toBe(first);
    expect(lowered(configured, first, 10_000 + SAME_EPISODE_MS)).toEqual({
      perMinute: 150,
      burst: 1,
      at: 10_000 + SAME_EPISODE_MS,
    });
  });

  it("holds a learned rate for the quiet period, then climbs back linearly to the configured one", () => {
    const learned = lowered(configured, null, 0, { perMinute: 60 });
    expect(rateAt(600, learned, QUIET_MS)).toBeCloseTo(59.4);
    expect(rateAt(600, learned, QUIET_MS + 30_000)).toBeCloseTo(89.4);
    expect(unlowered(configured, learned, QUIET_MS + 30_000)).toBe(false);
    expect(rateAt(600, learned, QUIET_MS + 10 * 60_000)).toBe(600);
    expect(budgetAt(configured, learned, QUIET_MS + 10 * 60_000)).toEqual(configured);
  });

  it("lowers from where the climb had got to when the upstream refuses again without a limit", () => {
    const learned = lowered(configured, null, 0, { perMinute: 60 });
    const now = QUIET_MS + 60_000;
    expect(lowered(configured, learned, now)).toEqual({
      perMinute: rateAt(600, learned, now) / 2,
      burst: 1,
      at: now,
    });
  });
});
