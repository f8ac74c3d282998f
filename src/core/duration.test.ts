import { describe, expect, it } from "vitest";
import { parseRetention } from "./duration.ts";

describe("parseRetention", () => {
  it("reads a whole number with a unit", () => {
    expect(parseRetention("2s")).toBe(2_000);
    expect(parseRetention("15m")).toBe(900_000);
    expect(parseRetention(" 1h ")).toBe(3_600_000);
    expect(parseRetention("30d")).toBe(30 * 86_400_000);
  });

  it("refuses what is not one, zero, and more than ten years", () => {
    for (const text of ["", "1", "1.5h", "1w", "h", "-1h", "0s", "3651d", "1h30m"]) {
      expect(parseRetention(text)).toBeUndefined();
    }
  });
});
