/**
 * Sets up one provider as `gengate serve` would with the given environment and configuration file,
 * which checks both, then runs its connection test. Nothing is written to the user's data folder or
 * database.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../core/env-config.ts";
import type { FileConfig } from "../../file-config.ts";
import type { Database } from "../../store/index.ts";

/** `byCheck`: the provider's connection test refused, rather than its configuration. */
export type Trial = { ok: true; detail: string } | { ok: false; reason: string; byCheck: boolean };

const quiet = { info() {}, warn() {} };

export async function tryProvider(
  id: string,
  env: Record<string, string | undefined>,
  fileConfig: FileConfig,
  { check }: { check: boolean },
): Promise<Trial> {
  // Loaded here so that the other commands start without the providers' modules.
  const { createProvider } = await import("../../providers/registry.ts");
  const { checkProvider } = await import("../../engine/provider-checks.ts");
  const { providerEnvironment } = await import("../../engine/provider-environment.ts");
  const { limitsOf } = await import("../../engine/cluster/process-state.ts");
  const { createStore, openDatabase } = await import("../../store/index.ts");
  const dataDir = await mkdtemp(join(tmpdir(), "gengate-init-"));
  let database: Database | undefined;
  try {
    // A database of its own, in the throwaway folder: a check records nothing worth keeping.
    database = await openDatabase({ dataDir });
    const environment = providerEnvironment(createStore(database), limitsOf(database), {
      dataDir,
      logger: quiet,
    });
    const provider = createProvider(id, env, environment, fileConfig);
    if (!provider) return { ok: false, reason: "the provider stays off with these settings", byCheck: false };
    try {
      if (!check) return { ok: true, detail: "not tested (--no-check)" };
      const result = await checkProvider(provider);
      if (result.reachable && result.authenticated === true) return { ok: true, detail: result.detail };
      return { ok: false, reason: result.detail, byCheck: true };
    } finally {
      await provider.close?.();
    }
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, reason: error.message, byCheck: false };
    throw error;
  } finally {
    await database?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
