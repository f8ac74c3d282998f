import { describe, expect, it } from "vitest";
import { RequestBucket } from "./request-bucket.ts";

describe("RequestBucket", () => {
  it("lets a burst through, then spaces requests at the rate", () => {
    let now = 0;
    const bucket = new RequestBucket(60, 2, () => now);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 0]);
    expect(bucket.reserve()).toBe(1000);
    expect(bucket.reserve()).toBe(2000);
    bucket.release();
    now = 2000;
    expect(bucket.reserve()).toBe(0);
  });

  it("pauses after the upstream said so", () => {
    let now = 0;
    const bucket = new RequestBucket(600, 10, () => now);
    bucket.pause(3000);
    expect(bucket.reserve()).toBe(3100);
    now = 3100;
    expect(bucket.reserve()).toBe(100);
  });
});
