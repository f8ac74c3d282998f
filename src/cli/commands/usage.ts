/** `gengate usage`: what runs cost, from the spend ledger, as a table with a total. */
import { type Command, Option } from "commander";
import { printJson } from "../admin/admin-target.ts";
import { pastMoment } from "../admin/flag-values.ts";
import { usd } from "../admin/limits-text.ts";
import { answer } from "../api-client.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { formatTable } from "../table.ts";

const GROUPS = ["day", "model", "token"] as const;
type Group = (typeof GROUPS)[number];

interface UsageOptions extends ClientOptions {
  groupBy: Group;
  since?: string;
  until?: string;
  forToken?: string;
  tenant?: string;
  json?: boolean;
}

export function usageCommand(program: Command): void {
  addClientOptions(
    program
      .command("usage")
      .description(
        "what runs cost (this month unless --since), from the spend ledger; an admin sees everyone's",
      )
      .addOption(
        new Option("--group-by <group>", "one row a day, model or token").choices(GROUPS).default("day"),
      )
      .option(
        "--since <when>",
        "from this ISO 8601 date or time, or a span back such as 7d (default: the 1st of this month)",
        pastMoment,
      )
      .option(
        "--until <when>",
        "up to this ISO 8601 date or time, or a span back such as 1d (default: now)",
        pastMoment,
      )
      // Not --token: that is the API token the command signs in with.
      .option("--for-token <id>", "one token's runs (admin)")
      .option("--tenant <id|name>", "one tenant's runs (admin)")
      .option("--json", "print the JSON"),
  ).action(async (options: UsageOptions) => {
    const client = clientFrom(options);
    const query: { group_by: Group; start?: string; end?: string; token?: string; tenant?: string } = {
      group_by: options.groupBy,
      ...(options.since && { start: options.since }),
      ...(options.until && { end: options.until }),
      ...(options.forToken && { token: options.forToken }),
    };
    if (options.tenant) {
      // The ledger keeps tenants' ids; a name is looked up.
      const params = { path: { id: options.tenant } };
      const tenant = await answer(client.api.GET("/v1/admin/tenants/{id}", { params }));
      query.tenant = tenant.id;
    }
    const usage = await answer(client.api.GET("/v1/usage", { params: { query } }));
    if (options.json) return printJson(usage);
    const cells = (cost: number, runs: number, unpriced: number) => [
      String(runs),
      String(unpriced),
      usd(cost),
    ];
    const rows = usage.results.map((row) => [
      row[usage.group_by] ?? "",
      ...cells(row.cost_usd, row.runs, row.unpriced_runs),
    ]);
    rows.push(["total", ...cells(usage.total_usd, usage.runs, usage.unpriced_runs)]);
    process.stdout.write(`${usage.start} to ${usage.end}\n`);
    process.stdout.write(`${formatTable([usage.group_by, "runs", "unpriced", "cost"], rows)}\n`);
  });
}
