import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../catalog/catalog.ts";
import { loadModelNames } from "./model-names.ts";

const catalog = loadCatalog({
  models: {},
  routing: undefined,
  file: "g.json",
  knownProviders: ["replicate"],
});

describe("OpenAI's model names in the configuration file", () => {
  it("maps a name to an alias, a model reference or a LoRA, and leaves other names as they are", () => {
    const names = loadModelNames(
      {
        models: {
          "gpt-4o": "llama-3-8b-instruct",
          "dall-e-3": "black-forest-labs/flux-dev",
          "dall-e-2": "lora:cat",
        },
      },
      "g.json",
      catalog,
    );
    expect(names.resolve("gpt-4o")).toBe("llama-3-8b-instruct");
    expect(names.resolve("dall-e-3")).toBe("black-forest-labs/flux-dev");
    expect(names.resolve("dall-e-2")).toBe("lora:cat");
    expect(names.resolve("flux-dev")).toBe("flux-dev");
    expect(loadModelNames(undefined, "g.json", catalog).entries()).toEqual([]);
  });

  it("refuses at start a name mapped to nothing gengate knows, naming the file and the path", () => {
    expect(() => loadModelNames({ models: { "gpt-4o": "llama-9" } }, "g.json", catalog)).toThrow(
      'g.json: openai.models.gpt-4o: no alias "llama-9"; name an alias of the catalog, a model as owner/name, or lora:<name>',
    );
    expect(() => loadModelNames({ modles: {} }, "g.json", catalog)).toThrow(/^g\.json: openai: /);
  });
});
