/** Direct access to this machine's gengate database, for operator commands that need no server. */
import type { Command } from "commander";
import { type Config, loadConfig } from "../config.ts";
import type { Store } from "../store/index.ts";
import { loadDotEnv } from "./dot-env.ts";

export interface LocalStoreOptions {
  dataDir?: string;
  databaseUrl?: string;
}

export function addLocalStoreOptions(command: Command): Command {
  return command
    .option(
      "--data-dir <dir>",
      "data folder holding the SQLite database (env GENGATE_DATA_DIR, default ./data)",
    )
    .option("--database-url <url>", "PostgreSQL URL (env DATABASE_URL)");
}

export async function withLocalStore<T>(
  options: LocalStoreOptions,
  work: (store: Store, config: Config) => Promise<T>,
): Promise<T> {
  // The same database as `gengate serve` started in this folder.
  loadDotEnv();
  const config = loadConfig(process.env, {
    ...(options.dataDir !== undefined && { GENGATE_DATA_DIR: options.dataDir }),
    ...(options.databaseUrl !== undefined && { DATABASE_URL: options.databaseUrl }),
  });
  // Loaded here so that the commands which talk HTTP start without the database drivers.
  const { createStore, openDatabase } = await import("../store/index.ts");
  const database = await openDatabase({
    dataDir: config.dataDir,
    ...(config.databaseUrl !== undefined && { databaseUrl: config.databaseUrl }),
  });
  try {
    return await work(createStore(database), config);
  } finally {
    await database.close();
  }
}
