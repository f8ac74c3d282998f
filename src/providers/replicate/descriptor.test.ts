import { describe, expect, it } from "vitest";
import { dereference, describeModel, isTextIterator, schemasOf, versionIdOf } from "./descriptor.ts";

const cogSchema = {
  components: {
    schemas: {
      Input: {
        type: "object",
        required: ["prompt"],
        properties: {
          prompt: { type: "string", "x-order": 0 },
          image: { type: "string", format: "uri", "x-order": 1 },
          scheduler: { allOf: [{ $ref: "#/components/schemas/scheduler" }], default: "DDIM", "x-order": 2 },
          num_outputs: { type: "integer", maximum: 4, "x-order": 3 },
        },
      },
      scheduler: { title: "scheduler", type: "string", enum: ["DDIM", "K_EULER"] },
      Output: { type: "array", items: { type: "string", format: "uri" } },
    },
  },
};

describe("dereference", () => {
  it("inlines component references and survives cycles", () => {
    const { input } = schemasOf({ id: "v", openapi_schema: cogSchema });
    const scheduler = (input.properties as Record<string, { allOf: unknown[] }>).scheduler;
    expect(scheduler?.allOf).toEqual([{ title: "scheduler", type: "string", enum: ["DDIM", "K_EULER"] }]);
    const cyclic = { A: { properties: { next: { $ref: "#/components/schemas/A" } } } };
    expect(dereference({ $ref: "#/components/schemas/A" }, cyclic)).toEqual({ properties: { next: {} } });
  });
});

describe("describeModel", () => {
  it("builds a descriptor with capabilities from the schemas", () => {
    const model = describeModel({
      owner: "fake",
      name: "sdxl",
      description: "img",
      version: { id: "c".repeat(64), created_at: "2025-01-01T00:00:00Z", openapi_schema: cogSchema },
      providerModel: "version:fake/sdxl:cc",
    });
    expect(model.versionId).toBe("c".repeat(64));
    expect(model.capabilities).toEqual({ referenceImage: true, maxOutputs: 4 });
    expect(model.inputSchema.required).toEqual(["prompt"]);
  });

  it("accepts any input when the version has no schema", () => {
    expect(schemasOf(null).input).toEqual({ type: "object" });
  });
});

describe("versionIdOf", () => {
  it("keeps 64-hex ids and derives a stable one for hidden versions", () => {
    expect(versionIdOf("a/b", "d".repeat(64), {})).toBe("d".repeat(64));
    const hidden = versionIdOf("a/b", "hidden", { type: "object" });
    expect(hidden).toMatch(/^[a-f0-9]{64}$/);
    expect(versionIdOf("a/b", "hidden", { type: "object" })).toBe(hidden);
    expect(versionIdOf("a/c", "hidden", { type: "object" })).not.toBe(hidden);
  });
});

describe("isTextIterator", () => {
  it("recognises Cog's streaming text output", () => {
    expect(isTextIterator({ type: "array", items: { type: "string" }, "x-cog-array-type": "iterator" })).toBe(
      true,
    );
    expect(isTextIterator({ type: "array", items: { type: "string", format: "uri" } })).toBe(false);
  });
});
