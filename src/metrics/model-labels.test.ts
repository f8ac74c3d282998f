import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { providersEnvironment } from "../../test/support/provider-deps.ts";
import { loadCatalog } from "../catalog/catalog.ts";
import { createProviders, PROVIDER_IDS } from "../providers/registry.ts";
import { ModelLabels, OTHER_MODEL } from "./model-labels.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gengate-labels-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("ModelLabels", () => {
  it("names the catalog's aliases and targets and the providers' listed models, and nothing else", async () => {
    const catalog = loadCatalog({
      models: { mine: { targets: [{ provider: "replicate", model: "someone/their-model:0123abcd" }] } },
      routing: {},
      file: "gengate.config.json",
      knownProviders: PROVIDER_IDS,
    });
    const providers = createProviders({}, await providersEnvironment({ dataDir }), {
      path: undefined,
      providers: {},
    });
    const labels = await ModelLabels.of(catalog, providers);

    for (const known of [
      "gengate/mine",
      "gengate/flux-dev",
      "someone/their-model",
      "black-forest-labs/flux-dev",
      "sim/image",
    ])
      expect(labels.of(known)).toBe(known);
    // What clients may name without bound: other models of a provider, LoRAs, versions, made-up names.
    for (const unknown of [
      "someone/other-model",
      "lora:my-face",
      "sim/image:abc",
      "gengate/no-such-alias",
      "",
    ])
      expect(labels.of(unknown)).toBe(OTHER_MODEL);
  });
});
