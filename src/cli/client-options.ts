/** `--url` and `--token` for the commands that talk to a running gengate. */
import type { Command } from "commander";
import { ApiClient } from "./api-client.ts";
import { CliError } from "./cli-error.ts";

const DEFAULT_URL = "http://localhost:8080";

export interface ClientOptions {
  url?: string;
  token?: string;
}

export function addClientOptions(command: Command): Command {
  return command
    .option("--url <url>", `gengate server URL (env GENGATE_URL, default ${DEFAULT_URL})`)
    .option("--token <token>", "API token (env GENGATE_TOKEN)");
}

export function clientFrom(options: ClientOptions, env = process.env): ApiClient {
  const token = options.token || env.GENGATE_TOKEN;
  if (!token) {
    throw new CliError(
      "no API token: pass --token or set GENGATE_TOKEN. The first `gengate serve` prints an admin token; " +
        "an operator can make another with `gengate tokens create <name>`",
    );
  }
  return new ApiClient(options.url || env.GENGATE_URL || DEFAULT_URL, token);
}
