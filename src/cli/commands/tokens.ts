import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { addLocalStoreOptions, type LocalStoreOptions, withLocalStore } from "../local-store.ts";
import { formatTable } from "../table.ts";

interface CreateOptions extends LocalStoreOptions {
  admin?: boolean;
}

const date = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString());

export function tokensCommand(program: Command): void {
  const tokens = program
    .command("tokens")
    .description("manage API tokens in this machine's database (works without a running server)");

  addLocalStoreOptions(
    tokens
      .command("create")
      .description("create a token and print it; it is shown only this once")
      .argument("<name>", "what the token is for")
      .option("--admin", "admin token: sees every prediction and file"),
  ).action(async (name: string, options: CreateOptions) => {
    const isAdmin = options.admin === true;
    const { secret, token } = await withLocalStore(options, (store) => store.tokens.issue({ name, isAdmin }));
    process.stderr.write(
      `created ${isAdmin ? "admin " : ""}token ${token.id}; save it now, it is not shown again\n`,
    );
    process.stdout.write(`${secret}\n`);
  });

  addLocalStoreOptions(tokens.command("list").description("list tokens (never their values)")).action(
    async (options: LocalStoreOptions) => {
      const all = await withLocalStore(options, (store) => store.tokens.list());
      const rows = all.map((t) => [
        t.id,
        t.name,
        t.isAdmin ? "yes" : "no",
        date(t.createdAt),
        date(t.lastUsedAt),
        date(t.revokedAt),
      ]);
      process.stdout.write(
        `${formatTable(["id", "name", "admin", "created", "last used", "revoked"], rows)}\n`,
      );
    },
  );

  addLocalStoreOptions(tokens.command("revoke").description("revoke a token").argument("<id>")).action(
    async (id: string, options: LocalStoreOptions) => {
      const revoked = await withLocalStore(options, (store) => store.tokens.revoke(id));
      if (!revoked) throw new CliError(`no live token with id ${id}`);
      process.stdout.write(`revoked token ${id}\n`);
    },
  );
}
