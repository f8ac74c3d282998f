import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/env-config.ts";
import type { Provider } from "./provider.ts";
import { ProviderRegistry } from "./registry.ts";

describe("ProviderRegistry", () => {
  it("refuses a provider written against another version of the interface", () => {
    const old = { id: "legacy", specificationVersion: "v1" } as unknown as Provider;
    expect(() => new ProviderRegistry([old])).toThrow(ConfigError);
    expect(() => new ProviderRegistry([old])).toThrow(
      "provider legacy implements provider interface v1; this gengate speaks v2",
    );
  });

  it("takes providers of this version", () => {
    const current = { id: "current", specificationVersion: "v2" } as unknown as Provider;
    expect(new ProviderRegistry([current]).get("current")).toBe(current);
  });
});
