import { describe, expect, it } from "vitest";
import { createCall, encodeTarget, parseTarget, type Target } from "./target.ts";

const VERSION = "e".repeat(64);

describe("targets", () => {
  it.each<[Target, string, ReturnType<typeof createCall>]>([
    [{ kind: "model", owner: "o", name: "n" }, "model:o/n", { path: "/models/o/n/predictions" }],
    [
      { kind: "version", owner: "o", name: "n", version: VERSION },
      `version:o/n:${VERSION}`,
      { path: "/predictions", version: VERSION },
    ],
    [{ kind: "version", version: VERSION }, `version:${VERSION}`, { path: "/predictions", version: VERSION }],
    [
      { kind: "deployment", owner: "o", name: "d" },
      "deployment:o/d",
      { path: "/deployments/o/d/predictions" },
    ],
  ])("%o is %s", (target, encoded, call) => {
    expect(encodeTarget(target)).toBe(encoded);
    expect(parseTarget(encoded)).toEqual(target);
    expect(createCall(target)).toEqual(call);
  });

  it("rejects other providers' models", () => {
    expect(() => parseTarget("image")).toThrow("not a Replicate model");
  });
});
