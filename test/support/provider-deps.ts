/**
 * Dependencies for a provider made directly in a test: quiet logger, no configuration file, and
 * what providers keep across processes (journal, leases, budgets, locks) in `database`, or in the
 * SQLite database of the data folder `dataDir` (a new one unless given), opened anew as another
 * process would open it. What it opens is closed, and what it made removed, after the test file.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { limitsOf } from "../../src/engine/cluster/process-state.ts";
import { providerEnvironment } from "../../src/engine/provider-environment.ts";
import type { ProviderDeps } from "../../src/providers/provider.ts";
import { createStore, type Database, openDatabase } from "../../src/store/index.ts";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

export interface ProviderDepsOptions {
  dataDir?: string;
  /** The database to keep state in, instead of the data folder's SQLite file. */
  database?: Database;
  /** The provider's section of the configuration file. */
  settings?: unknown;
}

/** The dependencies of provider `provider` (its id: its journal is its own). */
export async function providerDeps(
  provider: string,
  options: ProviderDepsOptions = {},
): Promise<ProviderDeps> {
  let { dataDir, database } = options;
  if (dataDir === undefined) {
    const made = await mkdtemp(join(tmpdir(), `gengate-${provider}-`));
    cleanups.push(() => rm(made, { recursive: true, force: true }));
    dataDir = made;
  }
  if (!database) {
    const opened = await openDatabase({ dataDir });
    cleanups.push(() => opened.close());
    database = opened;
  }
  const { journals, ...environment } = providerEnvironment(createStore(database), limitsOf(database), {
    dataDir,
    logger: { info() {}, warn() {} },
  });
  return {
    ...environment,
    journal: journals.for(provider),
    settings: options.settings,
    configFile: "gengate.config.json",
  };
}
