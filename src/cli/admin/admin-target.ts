/**
 * Where `gengate tokens` works: through a running gengate's admin API (the default), or with
 * `--local` (or `--data-dir`/`--database-url`) directly in this machine's database, which needs no
 * server and no token, for the first admin token or when it is lost.
 */
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions } from "../client-options.ts";
import { addLocalStoreOptions, type LocalStoreOptions } from "../local-store.ts";

export interface TargetOptions extends ClientOptions, LocalStoreOptions {
  local?: boolean;
}

export function addTargetOptions(command: Command): Command {
  return addLocalStoreOptions(
    addClientOptions(command).option(
      "--local",
      "work in this machine's database, without a server (as `gengate serve` in this folder would open it)",
    ),
  );
}

export const isLocal = (options: TargetOptions) =>
  options.local === true || options.dataDir !== undefined || options.databaseUrl !== undefined;

/** Refuses the flags given on the command line that `--local` cannot honour. */
export function refuseLocally(command: Command, allowed: string[]): void {
  const refused = command.options.filter(
    (option) =>
      command.getOptionValueSource(option.attributeName()) === "cli" &&
      !allowed.includes(option.attributeName()),
  );
  const first = refused[0];
  if (first) {
    throw new CliError(
      `${first.long} needs the admin API of a running gengate; drop --local (and --data-dir/--database-url), ` +
        "or create the token locally first and change it with `gengate tokens update`",
    );
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
