import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { providersEnvironment } from "../../test/support/provider-deps.ts";
import { createProviders } from "../providers/registry.ts";
import { NO_METRICS } from "./engine-metrics.ts";
import { meteredProviders } from "./metered-providers.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gengate-metered-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("meteredProviders", () => {
  it("passes every provider on unchanged: its values, its methods, and the optional ones it lacks", async () => {
    const fal = { apps: { "flux-dev": { app: "fal-ai/flux/dev" } } };
    const plain = createProviders(
      { FAL_KEY: "fal-key-for-a-test" },
      await providersEnvironment({ dataDir }),
      { path: undefined, providers: { fal } },
    );
    const metered = meteredProviders(plain, NO_METRICS);
    expect(metered.all().map((provider) => provider.id)).toEqual(plain.all().map((provider) => provider.id));
    const sim = metered.get("sim");
    const falMetered = metered.get("fal");
    expect([sim.rateLimit, sim.concurrency]).toEqual([
      plain.get("sim").rateLimit,
      plain.get("sim").concurrency,
    ]);
    // The engine asks whether a provider can look its work up; a provider without `find` must stay without.
    expect(typeof sim.find).toBe("function");
    expect(falMetered.find).toBeUndefined();
    expect("find" in falMetered).toBe(false);
    expect(sim.training?.defaultTrainer).toBe(plain.get("sim").training?.defaultTrainer);
    expect(falMetered.training).toBe(plain.get("fal").training);
    // Calls reach the provider itself, metered or not.
    const model = await sim.getModel({ kind: "model", owner: "sim", name: "image" });
    expect(model?.providerModel).toBe("image");
    expect(
      await sim.find?.("never-started", { readInput: () => Promise.reject(new Error("no files")) }),
    ).toBeNull();
    await plain.close();
  });
});
