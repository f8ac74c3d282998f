import { describe, expect, it } from "vitest";
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

  it("pauses for the time an upstream asked", () => {
    let now = 0;
    const bucket = new TokenBucket(600, 5, () => now);
    bucket.pause(2_000);
    expect(bucket.take()).toBe(2_100);
    now = 2_100;
    expect(bucket.take()).toBe(0);
  });
});
