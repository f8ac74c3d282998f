import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/env-config.ts";
import { loadCatalog } from "./catalog.ts";

const sim = (model = "sim/image") => ({ provider: "sim", model });
const load = (models: unknown) =>
  loadCatalog({ models, routing: undefined, file: "g.json", knownProviders: ["sim", "replicate"] });

describe("the catalog", () => {
  it("has the built-in aliases, with the default chain flux-dev → qwen-image → imagen-4-ultra", () => {
    const catalog = load(undefined);
    expect(catalog.list().map((e) => e.name)).toEqual(
      expect.arrayContaining(["flux-dev", "flux-kontext-pro", "remove-background", "gemma-2b-it", "sdxl"]),
    );
    const chain = catalog.candidates("flux-dev", { prompt: "x" }).map((t) => t.model);
    expect(chain).toEqual(["black-forest-labs/flux-dev", "qwen/qwen-image", "google/imagen-4-ultra"]);
  });

  it("sends a reference image to flux-dev on to FLUX Kontext, and tries each model once", () => {
    const catalog = load(undefined);
    const models = (alias: string, input: Record<string, unknown>) =>
      catalog.candidates(alias, input).map((t) => t.model);
    expect(models("flux-dev", { prompt: "x", reference_image: "u" })).toEqual([
      "black-forest-labs/flux-dev",
      "black-forest-labs/flux-kontext-max",
      "black-forest-labs/flux-kontext-pro",
      "qwen/qwen-image",
      "google/imagen-4-ultra",
    ]);
    // flux-kontext-max falls back to flux-dev, whose own Kontext [max] target is not tried again.
    expect(models("flux-kontext-max", { prompt: "x", reference_image: "u" })).toEqual([
      "black-forest-labs/flux-kontext-max",
      "black-forest-labs/flux-dev",
      "black-forest-labs/flux-kontext-pro",
      "qwen/qwen-image",
      "google/imagen-4-ultra",
    ]);
  });

  it("keeps a request's LoRAs with the base model of the first target that takes them", () => {
    const catalog = load(undefined);
    const chain = catalog.candidates("flux-dev", { prompt: "x", loras: ["fofr/cars"] }).map((t) => t.model);
    expect(chain).toEqual([
      "black-forest-labs/flux-dev",
      "black-forest-labs/flux-dev-lora",
      "google/imagen-4-ultra",
    ]);
  });

  it("lets the configuration file replace a built-in alias", () => {
    const catalog = load({ "flux-dev": { targets: [sim()] } });
    expect(catalog.candidates("flux-dev", {}).map((t) => t.key)).toEqual(["flux-dev#0"]);
  });

  it("keeps only the targets whose condition a request meets for the conditional strategy", () => {
    const catalog = load({
      pick: {
        strategy: "conditional",
        targets: [
          { ...sim("sim/a"), when: { field: "reference_image", present: true } },
          { ...sim("sim/b"), when: { field: "quality", equals: "draft" } },
          sim("sim/c"),
        ],
      },
    });
    const models = (input: Record<string, unknown>) => catalog.candidates("pick", input).map((t) => t.model);
    expect(models({ reference_image: "u" })).toEqual(["sim/a", "sim/c"]);
    expect(models({ quality: "draft" })).toEqual(["sim/b", "sim/c"]);
    expect(models({})).toEqual(["sim/c"]);
  });

  it("puts the weighted choice first for loadbalance, the others after as fallbacks", () => {
    const catalog = load({
      lb: {
        strategy: "loadbalance",
        targets: [
          { ...sim("sim/a"), weight: 1 },
          { ...sim("sim/b"), weight: 3 },
        ],
      },
    });
    const firsts = Array.from({ length: 4 }, () => catalog.candidates("lb", {}).map((t) => t.model));
    // weights 1:3, so each cycle of four sends one request first to sim/a and three to sim/b
    expect(firsts).toEqual([
      ["sim/b", "sim/a"],
      ["sim/a", "sim/b"],
      ["sim/b", "sim/a"],
      ["sim/b", "sim/a"],
    ]);
  });

  it("refuses a fallback to an alias that does not exist", () => {
    expect(() => load({ a: { targets: [sim()], fallback: "nope" } })).toThrow(
      new ConfigError('g.json: models.a.fallback: no alias "nope"; name an alias of the catalog'),
    );
  });
});
