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
});
