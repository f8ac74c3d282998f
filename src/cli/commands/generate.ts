import type { Command } from "commander";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { collectParam } from "../params.ts";
import { outputFiles } from "../prediction-outputs.ts";
import { runAndSave } from "../run-and-save.ts";

interface GenerateOptions extends ClientOptions {
  model: string;
  param?: Record<string, unknown>;
  output?: string;
}

export function generateCommand(program: Command): void {
  const command = program
    .command("generate")
    .description("run a model on a prompt, wait for it and save its outputs")
    .argument("<prompt>", "the prompt")
    .option(
      "--model <ref>",
      'model: "owner/name", "owner/name:version", a version id or "lora:<name>"',
      "sim/image",
    )
    .option("--param <key=value>", "another input (repeatable); JSON values are parsed", collectParam)
    .option("-o, --output <file>", "where to save the output (several outputs: <file>_1.<ext>, …)");
  addClientOptions(command).action(generate);
}

async function generate(prompt: string, options: GenerateOptions): Promise<void> {
  await runAndSave(clientFrom(options), options.model, { prompt, ...options.param }, (urls, id) =>
    outputFiles(urls, id, options.output),
  );
}
