import { describe, expect, it } from "vitest";
import { fileFieldsOf } from "./file-fields.ts";

describe("fileFieldsOf", () => {
  it("finds uri fields and arrays of them; no properties means any field", () => {
    const schema = {
      type: "object",
      properties: {
        prompt: { type: "string" },
        image: { type: "string", format: "uri" },
        images: { type: "array", items: { type: "string", format: "uri" } },
      },
    };
    expect(fileFieldsOf(schema)).toEqual(new Set(["image", "images"]));
    expect(fileFieldsOf({ type: "object" })).toBe("any");
  });
});
