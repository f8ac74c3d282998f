import { describe, expect, it } from "vitest";
import { seedInLogs } from "./replicate-json.ts";

describe("seedInLogs", () => {
  it("reads the seed a Cog model reports, the last one when there are several", () => {
    expect(seedInLogs("Using seed: 42\nStep 1/20\n")).toBe(42);
    expect(seedInLogs("Using seed: 1\n...\nUsing seed: 77\n")).toBe(77);
    expect(seedInLogs("no seed here\nseed was 5")).toBeUndefined();
    expect(seedInLogs("")).toBeUndefined();
  });
});
