/** `gengate tokens create|list|show|update|revoke`: API tokens with scopes, a tenant and limits. */
import type { Command } from "commander";
import { SCOPES, type Scope } from "../../core/limits.ts";
import type { TokenJson, WithUsage } from "../admin/admin-json.ts";
import {
  addTargetOptions,
  isLocal,
  printJson,
  refuseLocally,
  type TargetOptions,
} from "../admin/admin-target.ts";
import { scopeList } from "../admin/flag-values.ts";
import { addLimitOptions, changesBudget, type LimitOptions, limitFieldsFrom } from "../admin/limit-flags.ts";
import { budgetText, limitFields, limitsSummary, usageText } from "../admin/limits-text.ts";
import { answer } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { withLocalStore } from "../local-store.ts";
import { formatFields, formatTable } from "../table.ts";

interface CreateOptions extends TargetOptions, LimitOptions {
  admin?: boolean;
  scopes?: Scope[];
  tenant?: string;
}

interface JsonOption {
  json?: boolean;
}

const tokenParams = (id: string) => ({ params: { path: { id } } });

function scopesText(scopes: readonly string[]): string {
  if (SCOPES.every((scope) => scopes.includes(scope))) return "all";
  if (SCOPES.every((scope) => scope === "admin" || scopes.includes(scope))) return "all but admin";
  return scopes.join(",");
}

const statusOf = (token: TokenJson) => (token.revoked_at ? `revoked ${token.revoked_at}` : "live");

function tokensTable(tokens: TokenJson[]): string {
  const rows = tokens.map((t) => [
    t.id,
    t.name,
    scopesText(t.scopes),
    t.tenant?.name ?? "-",
    limitsSummary(t),
    t.budget ? budgetText(t.budget) : "-",
    t.last_used_at ?? "-",
    statusOf(t),
  ]);
  return formatTable(["id", "name", "scopes", "tenant", "limits", "budget", "last used", "status"], rows);
}

function tokenFields(token: TokenJson & Partial<WithUsage<TokenJson>>): string {
  return formatFields([
    ["id", token.id],
    ["name", token.name],
    ["scopes", token.scopes.join(", ")],
    ["tenant", token.tenant ? `${token.tenant.name} (${token.tenant.id})` : "none"],
    ...limitFields(token),
    ...(token.budget_usage !== undefined
      ? [["budget usage", usageText(token.budget_usage)] as [string, string]]
      : []),
    ["created", token.created_at],
    ["last used", token.last_used_at ?? "never"],
    ["status", statusOf(token)],
  ]);
}

/** Tokens as the admin API shows them, read from this machine's database. */
async function localTokens(options: TargetOptions): Promise<TokenJson[]> {
  const { tokenJson } = await import("../../api/routes/admin-tokens.ts");
  return (await withLocalStore(options, (store) => store.tokens.list())).map(tokenJson);
}

export function tokensCommand(program: Command): void {
  const tokens = program
    .command("tokens")
    .description(
      "manage API tokens through a running gengate's admin API, or with --local in this machine's database",
    );

  addLimitOptions(
    addTargetOptions(
      tokens
        .command("create")
        .description("create a token and print it; it is shown only this once")
        .argument("<name>", "what the token is for")
        .option("--admin", "admin token: every scope, sees and manages everything")
        .option("--scopes <list>", `what it may do, comma-separated: ${SCOPES.join(", ")}`, scopeList)
        .option("--tenant <id|name>", "the tenant it belongs to (its limits apply too)"),
    ),
    { update: false },
  ).action(async (name: string, options: CreateOptions, command: Command) => {
    let token: TokenJson;
    let secret: string;
    if (isLocal(options)) {
      refuseLocally(command, ["local", "dataDir", "databaseUrl", "admin"]);
      const { tokenJson } = await import("../../api/routes/admin-tokens.ts");
      const issued = await withLocalStore(options, (store) =>
        store.tokens.issue({ name, isAdmin: options.admin === true }),
      );
      [token, secret] = [tokenJson(issued.token), issued.secret];
    } else {
      const body = {
        name,
        ...(options.admin && { admin: true }),
        ...(options.scopes && { scopes: options.scopes }),
        ...(options.tenant !== undefined && { tenant: options.tenant }),
        ...limitFieldsFrom(options),
      };
      const created = await answer(clientFrom(options).api.POST("/v1/admin/tokens", { body }));
      [token, secret] = [created, created.token];
    }
    process.stderr.write(
      `created token ${token.id} (scopes: ${scopesText(token.scopes)}${token.tenant ? `; tenant ${token.tenant.name}` : ""}); ` +
        "save it now, it is not shown again\n",
    );
    process.stdout.write(`${secret}\n`);
  });

  addTargetOptions(
    tokens.command("list").description("list tokens (never their values)").option("--json", "print the JSON"),
  ).action(async (options: TargetOptions & JsonOption) => {
    const all = isLocal(options)
      ? await localTokens(options)
      : (await answer(clientFrom(options).api.GET("/v1/admin/tokens"))).results;
    if (options.json) printJson(all);
    else process.stdout.write(`${tokensTable(all)}\n`);
  });

  addClientOptions(
    tokens
      .command("show")
      .description("show a token, its limits and what its budget has used this period")
      .argument("<id>")
      .option("--json", "print the JSON"),
  ).action(async (id: string, options: ClientOptions & JsonOption) => {
    const token = await answer(clientFrom(options).api.GET("/v1/admin/tokens/{id}", tokenParams(id)));
    if (options.json) printJson(token);
    else process.stdout.write(`${tokenFields(token)}\n`);
  });

  addLimitOptions(
    addClientOptions(
      tokens
        .command("update")
        .description("change a token's limits (its scopes and tenant stay as created)")
        .argument("<id>"),
    ),
    { update: true },
  ).action(async (id: string, options: ClientOptions & LimitOptions) => {
    const client = clientFrom(options);
    const current = changesBudget(options)
      ? (await answer(client.api.GET("/v1/admin/tokens/{id}", tokenParams(id)))).budget
      : null;
    const fields = limitFieldsFrom(options, current);
    if (Object.keys(fields).length === 0)
      throw new CliError("nothing to change: give a limit flag, such as --rpm 60 or --no-budget");
    const token = await answer(
      client.api.PATCH("/v1/admin/tokens/{id}", { ...tokenParams(id), body: fields }),
    );
    process.stdout.write(`${tokenFields(token)}\n`);
  });

  addTargetOptions(tokens.command("revoke").description("revoke a token").argument("<id>")).action(
    async (id: string, options: TargetOptions, command: Command) => {
      if (isLocal(options)) {
        refuseLocally(command, ["local", "dataDir", "databaseUrl"]);
        const revoked = await withLocalStore(options, (store) => store.tokens.revoke(id));
        if (!revoked) throw new CliError(`no live token with id ${id}`);
      } else {
        await clientFrom(options).api.DELETE("/v1/admin/tokens/{id}", tokenParams(id));
      }
      process.stdout.write(`revoked token ${id}\n`);
    },
  );
}
