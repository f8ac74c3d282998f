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
    bucket.throttled(2_000, { perMinute: 60 });
    // 2 s of pause, then a token, then one a 1.01 s (59.4 a minute: 99% of the stated 60).
    expect(bucket.take()).toBe(2_000);
    now = 2_000;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(1_011);
    expect(bucket.current()).toEqual({ perMinute: 59.4, burst: 1 });
  });

  it("probes with one token at a time until the upstream answers, holding its burst back", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 10, () => now, { probe: true });
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
    now = 100;
    expect(bucket.take()).toBe(0);
    bucket.observe({ remaining: 599, resetMs: 1_000, ageMs: 0 });
    expect(Array.from({ length: 10 }, () => bucket.take()).filter((wait) => wait === 0)).toHaveLength(9);
  });

  it("holds no more whole tokens than the upstream says are left", () => {
    const now = 0;
    const bucket = new TokenBucket(600, 10, () => now);
    bucket.observe({ remaining: 2, resetMs: 1_000, ageMs: 0 });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 100]);
    // Nothing left and no limit known yet: a token when the upstream's budget is reset (1 s).
    bucket.observe({ remaining: 0, resetMs: 1_000, ageMs: 0 });
    expect(bucket.take()).toBe(1_000);
  });

  it("at nothing left after a 429, keeps its learned pace instead of waiting for the upstream's reset", () => {
    const now = 0;
    const bucket = new TokenBucket(600, 10, () => now);
    bucket.throttled(0, { perMinute: 60 });
    bucket.observe({ remaining: 0, resetMs: 10_000, ageMs: 0 });
    expect(bucket.take()).toBeLessThanOrEqual(1_011);
  });

  it("keeps what refilled since the upstream counted, when its answer came late", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 10, () => now);
    bucket.throttled(0, { perMinute: 60 });
    expect(bucket.take()).toBe(0);
    now = 1_011;
    // A create held 3 s by `Prefer: wait` says none was left when it arrived: 3 have come since.
    bucket.observe({ remaining: 0, resetMs: 6_000, ageMs: 3_000 });
    expect(bucket.take()).toBe(0);
  });

  it("climbs back toward the configured rate after a quiet period", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 10, () => now);
    bucket.throttled(0, { perMinute: 60 });
    now = QUIET_MS;
    expect(bucket.current().perMinute).toBeCloseTo(59.4);
    now = QUIET_MS + 60_000;
    expect(bucket.current().perMinute).toBeCloseTo(119.4);
    now = QUIET_MS + 20 * 60_000;
    expect(bucket.current()).toEqual({ perMinute: 600, burst: 10 });
  });
});
