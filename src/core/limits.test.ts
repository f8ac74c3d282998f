import { describe, expect, it } from "vitest";
import { periodEnd, periodStart } from "./limits.ts";

describe("budget periods", () => {
  // A Wednesday afternoon, UTC.
  const at = Date.parse("2026-12-09T15:30:00Z");

  it("start at midnight UTC: the day, the Monday of the week, the first of the month", () => {
    expect(new Date(periodStart("day", at)).toISOString()).toBe("2026-12-09T00:00:00.000Z");
    expect(new Date(periodStart("week", at)).toISOString()).toBe("2026-12-07T00:00:00.000Z");
    expect(new Date(periodStart("month", at)).toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("end where the next one starts, across a year's end", () => {
    expect(new Date(periodEnd("day", at)).toISOString()).toBe("2026-12-10T00:00:00.000Z");
    expect(new Date(periodEnd("week", at)).toISOString()).toBe("2026-12-14T00:00:00.000Z");
    expect(new Date(periodEnd("month", at)).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    const sunday = Date.parse("2026-12-13T23:59:59Z");
    expect(periodStart("week", sunday)).toBe(periodStart("week", at));
    expect(periodStart("week", periodEnd("week", at))).toBe(periodEnd("week", at));
  });
});
