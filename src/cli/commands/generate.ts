import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { createRequestFor } from "../model-request.ts";
import { collectParam } from "../params.ts";
import type { PredictionJson } from "../prediction-json.ts";
import { download, outputFiles, outputText, outputUrls } from "../prediction-outputs.ts";
import { waitForPrediction } from "../wait-for-prediction.ts";

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
  const client = clientFrom(options);
  const request = createRequestFor(options.model, { prompt, ...options.param });
  const created = await client.request<PredictionJson>("POST", request.path, request.body);
  const prediction = await waitForPrediction(client, created);
  if (prediction.status !== "succeeded") {
    throw new CliError(
      `prediction ${prediction.id} ${prediction.status}${prediction.error ? `: ${prediction.error}` : ""}`,
    );
  }
  const urls = outputUrls(prediction.output);
  if (urls.length === 0) {
    const text = outputText(prediction.output);
    if (text !== undefined) process.stdout.write(`${text}\n`);
    return;
  }
  for (const { url, path } of outputFiles(urls, prediction.id, options.output)) {
    await download(client, url, path);
    process.stdout.write(`${path}\n`);
  }
}
