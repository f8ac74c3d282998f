import { describe, expect, it } from "vitest";
import { rangeOf } from "./byte-range.ts";

describe("rangeOf", () => {
  it("reads the three forms of a single bytes range", () => {
    expect(rangeOf("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(rangeOf("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(rangeOf("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(rangeOf("bytes=95-200", 100)).toEqual({ start: 95, end: 99 });
    expect(rangeOf("bytes=-500", 100)).toEqual({ start: 0, end: 99 });
  });

  it("serves the whole file for no header, other units, several ranges or a reversed one", () => {
    expect(rangeOf(undefined, 100)).toBeUndefined();
    expect(rangeOf("items=0-1", 100)).toBeUndefined();
    expect(rangeOf("bytes=0-1,5-6", 100)).toBeUndefined();
    expect(rangeOf("bytes=9-2", 100)).toBeUndefined();
  });

  it("finds nothing to send past the end or for an empty suffix", () => {
    expect(rangeOf("bytes=100-", 100)).toBeNull();
    expect(rangeOf("bytes=-0", 100)).toBeNull();
    expect(rangeOf("bytes=0-", 0)).toBeNull();
  });
});
