/** `gengate audit`: the admin actions the server recorded, newest first. */
import type { Command } from "commander";
import { printJson } from "../admin/admin-target.ts";
import { answer } from "../api-client.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { positiveInteger } from "../params.ts";
import { formatTable } from "../table.ts";

interface AuditOptions extends ClientOptions {
  action?: string;
  limit: number;
  json?: boolean;
}

export function auditCommand(program: Command): void {
  addClientOptions(
    program
      .command("audit")
      .description("the audit log of admin actions, newest first (admin token)")
      .option("--action <action>", "only this action, e.g. tokens.create or tenants.update")
      .option("--limit <n>", "how many to show", positiveInteger, 50)
      .option("--json", "print the JSON"),
  ).action(async (options: AuditOptions) => {
    const client = clientFrom(options);
    const query = options.action === undefined ? {} : { action: options.action };
    const first = await answer(client.api.GET("/v1/admin/audit", { params: { query } }));
    const shown = await client.collect(first, options.limit);
    if (options.json) return printJson(shown);
    const rows = shown.map((e) => [
      e.created_at,
      e.action,
      e.target ?? "-",
      e.actor_token_id ?? "-",
      e.ip ?? "-",
      e.detail === null || e.detail === undefined ? "" : JSON.stringify(e.detail),
    ]);
    process.stdout.write(`${formatTable(["time", "action", "target", "by token", "ip", "detail"], rows)}\n`);
  });
}
