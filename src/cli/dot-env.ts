/** `.env` in the working directory, as `gengate init` writes it; variables already set win over it. */
import { CliError } from "./cli-error.ts";

export const DOT_ENV = ".env";

/** Loads `.env` into process.env when it exists; true when it did. */
export function loadDotEnv(path = DOT_ENV): boolean {
  try {
    // Node's loader leaves variables that are already set as they are.
    process.loadEnvFile(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
}
