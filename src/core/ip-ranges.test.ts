import { expect, it } from "vitest";
import { blockListOf, isIpRange } from "./ip-ranges.ts";

it("accepts addresses and CIDR ranges of either family, and nothing else", () => {
  for (const range of ["10.0.0.1", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "::1", "::1/128"]) {
    expect(isIpRange(range), range).toBe(true);
  }
  for (const range of [
    "",
    "10.0.0.0/33",
    "2001:db8::/129",
    "10.0.0.0/8/1",
    "10.0.0.0/x",
    "example.com",
    "10.0.0/8",
  ]) {
    expect(isIpRange(range), range).toBe(false);
  }
});

it("builds a block list that holds each range's addresses and no others", () => {
  const list = blockListOf(["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"]);
  expect(list.check("10.200.3.4", "ipv4")).toBe(true);
  expect(list.check("192.168.1.7", "ipv4")).toBe(true);
  expect(list.check("192.168.1.8", "ipv4")).toBe(false);
  expect(list.check("11.0.0.1", "ipv4")).toBe(false);
  expect(list.check("2001:db8::5", "ipv6")).toBe(true);
  expect(list.check("2001:db9::5", "ipv6")).toBe(false);
});
