/** The `gengate` command. */
import { Command } from "commander";
import { reportError } from "./report-error.ts";

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs (all of them for help or a name
 * commander must refuse), so that `gengate serve` carries none of the client commands' code.
 * In the order help lists them.
 */
const COMMANDS = new Map<string, () => Promise<Register>>([
  ["init", async () => (await import("./commands/init.ts")).initCommand],
  ["serve", async () => (await import("./commands/serve.ts")).serveCommand],
  ["generate", async () => (await import("./commands/generate.ts")).generateCommand],
  ["tool", async () => (await import("./commands/tool.ts")).toolCommand],
  ["complete", async () => (await import("./commands/complete.ts")).completeCommand],
  ["chat", async () => (await import("./commands/chat.ts")).chatCommand],
  ["batch", async () => (await import("./commands/batch.ts")).batchCommand],
  ["predictions", async () => (await import("./commands/predictions.ts")).predictionsCommand],
  ["train", async () => (await import("./commands/train.ts")).trainCommand],
  ["loras", async () => (await import("./commands/loras.ts")).lorasCommand],
  ["tokens", async () => (await import("./commands/tokens.ts")).tokensCommand],
  ["tenants", async () => (await import("./commands/tenants.ts")).tenantsCommand],
  ["usage", async () => (await import("./commands/usage.ts")).usageCommand],
  ["audit", async () => (await import("./commands/audit.ts")).auditCommand],
  ["storage", async () => (await import("./commands/storage.ts")).storageCommand],
  ["providers", async () => (await import("./commands/providers.ts")).providersCommand],
  ["models", async () => (await import("./commands/models.ts")).modelsCommand],
]);

const program = new Command("gengate")
  .description("self-hosted gateway for generative media, with a Replicate-compatible API")
  .showHelpAfterError("(run with --help for usage)")
  .configureOutput({ outputError: (text, write) => write(`gengate: ${text.replace(/^error: /, "")}`) });

try {
  const named = COMMANDS.get(process.argv[2] ?? "");
  const registers = await Promise.all((named ? [named] : [...COMMANDS.values()]).map((load) => load()));
  for (const register of registers) register(program);
  await program.parseAsync(process.argv);
} catch (error) {
  process.exit(reportError(error));
}
