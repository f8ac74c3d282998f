import { describe, expect, it } from "vitest";
import { parseCancelAfter, parsePreferWait } from "./prefer-headers.ts";

describe("Prefer: wait", () => {
  it("reads wait and wait=N", () => {
    expect(parsePreferWait(undefined)).toBeUndefined();
    expect(parsePreferWait("wait")).toEqual({ seconds: 60, applied: "wait" });
    expect(parsePreferWait("respond-async, wait=5")).toEqual({ seconds: 5, applied: "wait=5" });
  });

  it("refuses values outside 1..60 naming the header", () => {
    for (const bad of ["wait=0", "wait=61", "wait=abc"]) {
      expect(() => parsePreferWait(bad)).toThrow(/Prefer header/);
    }
  });
});

describe("Cancel-After", () => {
  it("reads durations with and without units", () => {
    expect(parseCancelAfter("90")).toBe(90_000);
    expect(parseCancelAfter("1h30m45s")).toBe(5_445_000);
    expect(parseCancelAfter("2m")).toBe(120_000);
  });

  it("refuses durations under 5 s or malformed", () => {
    expect(() => parseCancelAfter("4s")).toThrow(/Cancel-After/);
    expect(() => parseCancelAfter("soon")).toThrow(/Cancel-After/);
  });
});
