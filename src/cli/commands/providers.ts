import type { Command } from "commander";
import { answer } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { formatTable } from "../table.ts";

export function providersCommand(program: Command): void {
  const providers = program.command("providers").description("the providers of a running gengate");
  const check = providers
    .command("check")
    .description(
      "ask the running server to test each of its providers' connection, credentials and rate-limit " +
        "headroom, creating no paid work (needs an admin token)",
    );
  addClientOptions(check).action(checkProviders);
}

async function checkProviders(options: ClientOptions): Promise<void> {
  const client = clientFrom(options);
  const { providers } = await answer(client.api.GET("/v1/admin/providers/check"));
  const yesNo = (value: boolean | null) => (value === null ? "n/a" : value ? "yes" : "NO");
  const table = formatTable(
    ["provider", "reachable", "authenticated", "rate limit left", "detail"],
    providers.map((p) => [
      p.provider,
      yesNo(p.reachable),
      yesNo(p.authenticated),
      String(p.rate_limit_remaining ?? "-"),
      p.detail,
    ]),
  );
  process.stdout.write(`${table}\n`);
  const failing = providers.filter((p) => !p.reachable || p.authenticated === false);
  if (failing.length > 0) throw new CliError(`${failing.map((p) => p.provider).join(", ")}: not usable`);
}
