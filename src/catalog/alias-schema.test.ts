import { describe, expect, it } from "vitest";
import { aliasInputSchema } from "./alias-schema.ts";

const schema = {
  type: "object",
  title: "Input",
  required: ["prompt", "input_image"],
  properties: {
    prompt: { type: "string", "x-order": 0 },
    input_image: { type: "string", format: "uri", title: "Input Image", "x-order": 1 },
    num_inference_steps: { type: "integer", title: "Num Inference Steps", "x-order": 2 },
    go_fast: { type: "boolean", "x-order": 3 },
    negative_prompt: { type: "string", "x-order": 4 },
    guidance: { type: "number", "x-order": 5 },
  },
};

describe("aliasInputSchema", () => {
  it("shows the first target's properties under the names the alias takes", () => {
    const shown = aliasInputSchema(
      {
        params: { reference_image: "input_image", steps: "num_inference_steps", negative_prompt: null },
        input: { go_fast: true },
      },
      schema,
    );
    expect(shown).toEqual({
      type: "object",
      title: "Input",
      required: ["prompt", "reference_image"],
      properties: {
        prompt: { type: "string", "x-order": 0 },
        reference_image: { type: "string", format: "uri", title: "Reference Image", "x-order": 1 },
        steps: { type: "integer", title: "Steps", "x-order": 2 },
        guidance: { type: "number", "x-order": 5 },
      },
    });
  });

  it("keeps a property that several names reach under its own name", () => {
    const shown = aliasInputSchema(
      { params: { reference_image: "image", image: "image" }, input: {} },
      { properties: { image: { type: "string" } } },
    );
    expect(shown).toEqual({ properties: { image: { type: "string" } } });
  });
});
