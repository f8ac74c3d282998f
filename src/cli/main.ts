/** The `gengate` command. */
import { Command } from "commander";
import { auditCommand } from "./commands/audit.ts";
import { batchCommand } from "./commands/batch.ts";
import { chatCommand } from "./commands/chat.ts";
import { completeCommand } from "./commands/complete.ts";
import { generateCommand } from "./commands/generate.ts";
import { initCommand } from "./commands/init.ts";
import { lorasCommand } from "./commands/loras.ts";
import { modelsCommand } from "./commands/models.ts";
import { predictionsCommand } from "./commands/predictions.ts";
import { providersCommand } from "./commands/providers.ts";
import { serveCommand } from "./commands/serve.ts";
import { storageCommand } from "./commands/storage.ts";
import { tenantsCommand } from "./commands/tenants.ts";
import { tokensCommand } from "./commands/tokens.ts";
import { toolCommand } from "./commands/tool.ts";
import { trainCommand } from "./commands/train.ts";
import { usageCommand } from "./commands/usage.ts";
import { reportError } from "./report-error.ts";

const program = new Command("gengate")
  .description("self-hosted gateway for generative media, with a Replicate-compatible API")
  .showHelpAfterError("(run with --help for usage)")
  .configureOutput({ outputError: (text, write) => write(`gengate: ${text.replace(/^error: /, "")}`) });

initCommand(program);
serveCommand(program);
generateCommand(program);
toolCommand(program);
completeCommand(program);
chatCommand(program);
batchCommand(program);
predictionsCommand(program);
trainCommand(program);
lorasCommand(program);
tokensCommand(program);
tenantsCommand(program);
usageCommand(program);
auditCommand(program);
storageCommand(program);
providersCommand(program);
modelsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exit(reportError(error));
}
