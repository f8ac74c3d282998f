/** `gengate tenants create|list|show|update|delete`: groups of tokens with their own limits and budget. */
import type { Command } from "commander";
import type { TenantJson, WithUsage } from "../admin/admin-json.ts";
import { printJson } from "../admin/admin-target.ts";
import { addLimitOptions, changesBudget, type LimitOptions, limitFieldsFrom } from "../admin/limit-flags.ts";
import { budgetText, limitFields, limitsSummary, usageText } from "../admin/limits-text.ts";
import { answer } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { formatFields, formatTable } from "../table.ts";

interface JsonOption {
  json?: boolean;
}

const tenantParams = (ref: string) => ({ params: { path: { id: ref } } });

function tenantFields(tenant: TenantJson & Partial<WithUsage<TenantJson>>): string {
  return formatFields([
    ["id", tenant.id],
    ["name", tenant.name],
    ...limitFields(tenant),
    ...(tenant.budget_usage !== undefined
      ? [["budget usage", usageText(tenant.budget_usage)] as [string, string]]
      : []),
    ["created", tenant.created_at],
  ]);
}

export function tenantsCommand(program: Command): void {
  const tenants = program
    .command("tenants")
    .description("manage tenants: groups of tokens whose requests also pass the tenant's limits and budget");

  addLimitOptions(
    addClientOptions(
      tenants
        .command("create")
        .description("create a tenant; give tokens to it with `gengate tokens create --tenant <name>`")
        .argument("<name>", "1-64 letters, digits, dots, dashes or underscores"),
    ),
    { update: false },
  ).action(async (name: string, options: ClientOptions & LimitOptions) => {
    const body = { name, ...limitFieldsFrom(options) };
    const tenant = await answer(clientFrom(options).api.POST("/v1/admin/tenants", { body }));
    process.stdout.write(`${tenantFields(tenant)}\n`);
  });

  addClientOptions(
    tenants.command("list").description("list tenants").option("--json", "print the JSON"),
  ).action(async (options: ClientOptions & JsonOption) => {
    const { results } = await answer(clientFrom(options).api.GET("/v1/admin/tenants"));
    if (options.json) return printJson(results);
    const rows = results.map((t) => [t.id, t.name, limitsSummary(t), t.budget ? budgetText(t.budget) : "-"]);
    process.stdout.write(`${formatTable(["id", "name", "limits", "budget"], rows)}\n`);
  });

  addClientOptions(
    tenants
      .command("show")
      .description("show a tenant, its limits and what its budget has used this period")
      .argument("<id|name>")
      .option("--json", "print the JSON"),
  ).action(async (ref: string, options: ClientOptions & JsonOption) => {
    const tenant = await answer(clientFrom(options).api.GET("/v1/admin/tenants/{id}", tenantParams(ref)));
    if (options.json) printJson(tenant);
    else process.stdout.write(`${tenantFields(tenant)}\n`);
  });

  addLimitOptions(
    addClientOptions(tenants.command("update").description("change a tenant's limits").argument("<id|name>")),
    { update: true },
  ).action(async (ref: string, options: ClientOptions & LimitOptions) => {
    const client = clientFrom(options);
    const current = changesBudget(options)
      ? (await answer(client.api.GET("/v1/admin/tenants/{id}", tenantParams(ref)))).budget
      : null;
    const fields = limitFieldsFrom(options, current);
    if (Object.keys(fields).length === 0)
      throw new CliError("nothing to change: give a limit flag, such as --rpm 600 or --no-budget");
    const tenant = await answer(
      client.api.PATCH("/v1/admin/tenants/{id}", { ...tenantParams(ref), body: fields }),
    );
    process.stdout.write(`${tenantFields(tenant)}\n`);
  });

  addClientOptions(tenants.command("delete").description("delete a tenant").argument("<id|name>")).action(
    async (ref: string, options: ClientOptions) => {
      await clientFrom(options).api.DELETE("/v1/admin/tenants/{id}", tenantParams(ref));
      process.stdout.write(`deleted tenant ${ref}\n`);
    },
  );
}
