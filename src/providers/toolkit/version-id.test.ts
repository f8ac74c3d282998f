import { describe, expect, it } from "vitest";
import { versionIdOf } from "./version-id.ts";

describe("versionIdOf", () => {
  it("is 64 hex digits, the same for the same facts", () => {
    const schema = { type: "object", properties: { prompt: { type: "string" } } };
    expect(versionIdOf(["fal", "fal-ai/flux/dev", schema])).toMatch(/^[a-f0-9]{64}$/);
    expect(versionIdOf(["fal", "fal-ai/flux/dev", schema])).toBe(
      versionIdOf(["fal", "fal-ai/flux/dev", schema]),
    );
  });

  it("changes when any fact does, so a changed schema is a new version", () => {
    const before = versionIdOf(["local", { properties: { image: {} } }]);
    expect(versionIdOf(["local", { properties: { image: {}, scale: {} } }])).not.toBe(before);
    expect(versionIdOf(["sim", { properties: { image: {} } }])).not.toBe(before);
  });

  it("keeps the ids published before the toolkit (a sha256 of the facts' JSON)", () => {
    expect(versionIdOf([])).toBe("4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945");
  });
});
