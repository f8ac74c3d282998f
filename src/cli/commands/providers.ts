import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import type { ProviderCheck } from "../../providers/provider.ts";
import { CliError } from "../cli-error.ts";
import { formatTable } from "../table.ts";

const NO_CHECK: ProviderCheck = {
  reachable: true,
  authenticated: null,
  detail: "this provider has no connection test",
};

export function providersCommand(program: Command): void {
  const providers = program
    .command("providers")
    .description("the providers this machine's configuration enables");
  providers
    .command("check")
    .description(
      "test each provider's connection, credentials and rate-limit headroom, creating no paid work",
    )
    .action(check);
}

async function check(): Promise<void> {
  const config = loadConfig(process.env);
  // Loaded here so that the commands which talk HTTP start without the providers' modules.
  const { createProviders } = await import("../../providers/registry.ts");
  const { loadFileConfig } = await import("../../file-config.ts");
  const logger = { info() {}, warn() {} };
  const registry = createProviders(
    process.env,
    { dataDir: config.dataDir, logger },
    loadFileConfig(config.configFile),
  );
  try {
    const results = await Promise.all(
      registry
        .all()
        .map(async (provider) => ({ id: provider.id, ...(await (provider.check?.() ?? NO_CHECK)) })),
    );
    const yesNo = (value: boolean | null) => (value === null ? "n/a" : value ? "yes" : "NO");
    const table = formatTable(
      ["provider", "reachable", "authenticated", "rate limit left", "detail"],
      results.map((r) => [
        r.id,
        yesNo(r.reachable),
        yesNo(r.authenticated),
        String(r.rateLimitRemaining ?? "-"),
        r.detail,
      ]),
    );
    process.stdout.write(`${table}\n`);
    const failing = results.filter((r) => !r.reachable || r.authenticated === false);
    if (failing.length > 0) throw new CliError(`${failing.map((r) => r.id).join(", ")}: not usable`);
  } finally {
    await registry.close();
  }
}
