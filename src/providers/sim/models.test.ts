import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findSimModel, SIM_MODELS } from "./models.ts";

const [image, text] = SIM_MODELS;

describe("sim models", () => {
  it("are described as simulators, with stable 64-hex version ids", () => {
    expect(SIM_MODELS.map((m) => `${m.owner}/${m.name}`)).toEqual([
      "sim/image",
      "sim/text",
      "sim/embeddings",
      "sim/lora-trainer",
    ]);
    for (const model of SIM_MODELS) {
      expect(model.description).toMatch(/^Simulated .*demos, tests and benchmarks/);
      expect(model.versionId).toMatch(/^[a-f0-9]{64}$/);
      expect(Number.isNaN(Date.parse(model.versionCreatedAt))).toBe(false);
    }
    expect(image?.versionId).not.toBe(text?.versionId);
    const schemas = JSON.stringify([image?.inputSchema, image?.outputSchema]);
    expect(image?.versionId).toBe(createHash("sha256").update(schemas).digest("hex"));
  });

  it("have Cog-style input schemas with ordered properties", () => {
    const schema = image?.inputSchema as {
      title: string;
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.title).toBe("Input");
    expect(schema.required).toEqual(["prompt"]);
    const names = Object.keys(schema.properties);
    expect(names.map((name) => schema.properties[name]?.["x-order"])).toEqual(names.map((_, i) => i));
    expect(schema.properties.output_format).toMatchObject({ default: "webp", enum: ["webp", "png", "jpg"] });
    expect(schema.properties.image).toMatchObject({ type: "string", format: "uri" });
    expect(schema.properties.latency_ms?.description).toMatch(/Simulator control/);
    expect(schema.properties.fail?.description).toMatch(/Simulator control/);
    expect(text?.outputSchema).toEqual({
      type: "array",
      items: { type: "string" },
      title: "Output",
      "x-cog-array-type": "iterator",
      "x-cog-array-display": "concatenate",
    });
    expect(text?.capabilities.streaming).toBe(true);
  });

  it("are found by name, by name and version, and by bare version", () => {
    const version = text?.versionId ?? "";
    expect(findSimModel({ kind: "model", owner: "sim", name: "text" })).toBe(text);
    expect(findSimModel({ kind: "version", owner: "sim", name: "text", version })).toBe(text);
    expect(findSimModel({ kind: "bare-version", version })).toBe(text);
    expect(findSimModel({ kind: "version", owner: "sim", name: "image", version })).toBeNull();
    expect(findSimModel({ kind: "model", owner: "other", name: "text" })).toBeNull();
    expect(findSimModel({ kind: "bare-version", version: "0".repeat(64) })).toBeNull();
  });
});
