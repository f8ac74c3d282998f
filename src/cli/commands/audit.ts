/** `gengate audit`: the admin actions the server recorded, newest first. */
import type { Command } from "commander";
import { printJson } from "../admin/admin-target.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { positiveInteger } from "../params.ts";
import type { PageJson } from "../prediction-json.ts";
import { formatTable } from "../table.ts";

interface AuditOptions extends ClientOptions {
  action?: string;
  limit: number;
  json?: boolean;
}

interface AuditEntryJson {
  id: string;
  created_at: string;
  actor_token_id: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
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
    const entries: AuditEntryJson[] = [];
    let next: string | null =
      `/v1/admin/audit${options.action ? `?action=${encodeURIComponent(options.action)}` : ""}`;
    while (next !== null && entries.length < options.limit) {
      const page: PageJson<AuditEntryJson> = await client.request("GET", next);
      entries.push(...page.results);
      next = page.next;
    }
    const shown = entries.slice(0, options.limit);
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
