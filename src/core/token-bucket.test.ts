import { describe, expect, it } from "vitest";
import { QUIET_MS } from "./adaptive-limit.ts";
import { TokenBucket } from "./token-bucket.ts";

describe("TokenBucket", () => {
  it("allows a burst, then one token per interval", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(100);
    now = 100;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
  });

  it("never holds more than the burst", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 2, () => now);
    now = 60_000;
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBeGreaterThan(0);
  });

  it("after a 429 that states the limit, pauses as asked and then gives tokens at that limit", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 30, () => now);
    bucket.throttled(2_000, 60);
    // 2 s of pause, then one token at 59.4 a minute (99% of the stated 60).
    expect(bucket.take()).toBe(3_011);
    now = 3_011;
    expect(bucket.take()).toBe(0);
    expect(bucket.current()).toEqual({ perMinute: 59.4, burst: 1 });
  });

  it("probes with one token at a time until the upstream answers, holding its burst back", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 10, () => now, { probe: true });
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
    now = 100;
    expect(bucket.take()).toBe(0);
    bucket.observe(599, 1_000);
    expect(Array.from({ length: 10 }, () => bucket.take()).filter((wait) => wait === 0)).toHaveLength(9);
  });

  it("holds no more whole tokens than the upstream says are left", () => {
    const now = 0;
    const bucket = new TokenBucket(600, 10, () => now);
    bucket.observe(2, 1_000);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 100]);
    // Nothing left and no limit known yet: the reset (1 s), then a token.
    bucket.observe(0, 1_000);
    expect(bucket.take()).toBe(1_100);
  });

  it("at nothing left after a 429, keeps its learned pace instead of waiting for the upstream's reset", () => {
    const now = 0;
    const bucket = new TokenBucket(600, 10, () => now);
    bucket.throttled(0, 60);
    bucket.observe(0, 10_000);
    expect(bucket.take()).toBeLessThanOrEqual(1_011);
  });

  it("climbs back toward the configured rate after a quiet period", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 10, () => now);
    bucket.throttled(0, 60);
    now = QUIET_MS;
    expect(bucket.current().perMinute).toBeCloseTo(59.4);
    now = QUIET_MS + 60_000;
    expect(bucket.current().perMinute).toBeCloseTo(119.4);
    now = QUIET_MS + 20 * 60_000;
    expect(bucket.current()).toEqual({ perMinute: 600, burst: 10 });
  });
});
