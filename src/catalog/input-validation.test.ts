import { describe, expect, it } from "vitest";
import type { GatewayError } from "../core/errors.ts";
import type { ModelDescriptor } from "../providers/provider.ts";
import { validateInput } from "./input-validation.ts";

const model: ModelDescriptor = {
  owner: "t",
  name: "m",
  description: "test",
  versionId: "a".repeat(64),
  versionCreatedAt: "2026-01-01T00:00:00Z",
  providerModel: "m",
  capabilities: {},
  outputSchema: {},
  inputSchema: {
    type: "object",
    required: ["prompt"],
    properties: {
      prompt: { type: "string" },
      width: { type: "integer", minimum: 64, maximum: 2048, default: 512 },
      output_format: { type: "string", enum: ["png", "webp"] },
      image: { type: "string", format: "uri" },
      seed: { type: "integer" },
    },
  },
};

function fieldsOf(input: Record<string, unknown>) {
  try {
    validateInput(model, input);
  } catch (error) {
    return (error as GatewayError).invalidFields;
  }
  throw new Error("expected a validation error");
}

describe("validateInput", () => {
  it("applies defaults without changing the caller's object", () => {
    const input = { prompt: "a cat" };
    expect(validateInput(model, input)).toEqual({ prompt: "a cat", width: 512 });
    expect(input).toEqual({ prompt: "a cat" });
  });

  it("names a missing required field", () => {
    expect(fieldsOf({})).toEqual([
      { type: "required", field: "input.prompt", description: "prompt is required" },
    ]);
  });

  it("names every wrongly typed or out-of-range field", () => {
    const fields = fieldsOf({ prompt: 3, width: 4, output_format: "bmp", image: "not a url" });
    expect(fields?.map((f) => f.field).sort()).toEqual([
      "input.image",
      "input.output_format",
      "input.prompt",
      "input.width",
    ]);
    expect(fields?.find((f) => f.field === "input.output_format")?.description).toContain("png, webp");
  });

  it("refuses what would only fail once running: a file input gengate cannot read, an unsafe integer", () => {
    for (const image of [
      "file:///etc/passwd",
      "http://[::1]:99999/x",
      "data:image/png,%FF",
      "data:image/png;base64,!!!",
      "data:image/png;base64,",
    ]) {
      expect(fieldsOf({ prompt: "x", image })).toEqual([
        {
          type: "format",
          field: "input.image",
          description:
            "image must be a URL gengate or the provider can read (http(s), or a data URL holding the file)",
        },
      ]);
    }
    expect(fieldsOf({ prompt: "x", seed: 2 ** 53 + 2 })?.map((f) => f.field)).toEqual(["input.seed"]);
    expect(fieldsOf({ prompt: "x", seed: -(2 ** 60) })?.map((f) => f.field)).toEqual(["input.seed"]);
    const fine = { prompt: "x", image: "data:image/png;base64,iVBORw0KGgo=", seed: 2 ** 53 - 1 };
    expect(validateInput(model, fine)).toMatchObject(fine);
  });
});
