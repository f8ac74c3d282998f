import { ConfigError } from "../config.ts";
import { GatewayError } from "../core/errors.ts";
import { CliError } from "./cli-error.ts";

const EXPECTED_NAMES = new Set(["DatabaseConnectionError"]);

/** Prints a failure to stderr; stack traces only for bugs. Returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`gengate: ${error.message}\n`);
    return error.exitCode;
  }
  if (isExpected(error)) {
    process.stderr.write(`gengate: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(
    `gengate: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`,
  );
  return 1;
}

function isExpected(error: unknown): error is Error {
  if (error instanceof ConfigError || error instanceof GatewayError) return true;
  if (!(error instanceof Error)) return false;
  // DatabaseConnectionError lives with the database driver, which is loaded only when needed.
  return EXPECTED_NAMES.has(error.name) || "syscall" in error;
}
