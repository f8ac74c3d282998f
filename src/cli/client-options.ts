/**
 * `--url` and `--token` for the commands that talk to a running gengate. Each is taken from its
 * flag, else its environment variable, else what the CLI remembered; a flag the server accepted is
 * remembered for the next runs.
 */
import type { Command } from "commander";
import { ApiClient } from "./api-client.ts";
import { type CliConfig, cliConfigPath, readCliConfig, rememberCliConfig } from "./cli-config.ts";
import { CliError } from "./cli-error.ts";

const DEFAULT_URL = "http://localhost:8080";

export interface ClientOptions {
  url?: string;
  token?: string;
}

export function addClientOptions(command: Command): Command {
  return command
    .option(
      "--url <url>",
      `gengate server URL (env GENGATE_URL, else the last one given, else ${DEFAULT_URL}); remembered`,
    )
    .option("--token <token>", "API token (env GENGATE_TOKEN, else the last one given); remembered");
}

export function clientFrom(options: ClientOptions, env = process.env): ApiClient {
  const remembered = readCliConfig(env);
  const token = options.token || env.GENGATE_TOKEN || remembered.token;
  if (!token) {
    throw new CliError(
      "no API token: pass --token (it is then remembered) or set GENGATE_TOKEN. `gengate init` sets one up; " +
        "the first `gengate serve` prints an admin token; an operator can make another with `gengate tokens create <name> --local`",
    );
  }
  const url = options.url || env.GENGATE_URL || remembered.url || DEFAULT_URL;
  const given: CliConfig = {
    ...(options.url && { url: options.url.replace(/\/+$/, "") }),
    ...(options.token && { token: options.token }),
  };
  if (Object.keys(given).length === 0) return new ApiClient(url, token);
  return new ApiClient(url, token, () => {
    if (rememberCliConfig(given, env)) {
      const what = Object.keys(given).join(" and ");
      process.stderr.write(`gengate: remembered this ${what} in ${cliConfigPath(env)}\n`);
    }
  });
}
