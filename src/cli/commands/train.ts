import type { Command } from "commander";
import { plural } from "../batch/format.ts";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { collectParam, nonNegativeInteger } from "../params.ts";
import { createProgress } from "../progress.ts";
import { createLora, type TrainFlags } from "../training/create-lora.ts";
import type { LoraJson } from "../training/lora-json.ts";
import { expandPhotoPaths } from "../training/photo-paths.ts";
import { sampleUrls, saveSamples } from "../training/samples.ts";
import { watchLora } from "../training/watch-lora.ts";

interface TrainOptions extends ClientOptions, TrainFlags {
  out?: string;
  wait: boolean;
}

export function trainCommand(program: Command): void {
  const command = program
    .command("train")
    .description("train a LoRA on photos of a subject and wait until it is ready to use")
    .argument(
      "<photos...>",
      "image files, .zip files of images, or folders (their files, not those of subfolders); " +
        "a caption may go beside its image as <image>.txt",
    )
    .requiredOption("--name <name>", "the LoRA's name: 1-40 of a-z, 0-9 and -; use it as lora:<name>")
    .option("--trigger <word>", 'the word that brings the subject into a prompt (default: "TOK")')
    .option("--provider <id>", "where to train (default: the first cloud that trains)")
    .option("--trainer <ref>", "the trainer model (default: the provider's)")
    .option("--param <key=value>", "a trainer parameter (repeatable); JSON values are parsed", collectParam)
    .option(
      "--samples <n>",
      "how many sample images to make once trained, 0-8 (default: 4)",
      nonNegativeInteger,
    )
    .option("--webhook <url>", "URL that receives the LoRA when it is done")
    .option("--out <dir>", "save the sample images here (default: print their URLs)")
    .option("--no-wait", "print the LoRA's id and status once created, and exit");
  addClientOptions(command).action(train);
}

async function train(paths: string[], options: TrainOptions): Promise<void> {
  const client = clientFrom(options);
  const photos = await expandPhotoPaths(paths);
  const progress = createProgress(options.name);
  let lora: LoraJson;
  try {
    progress.update(`sending ${plural(photos.length, "file")}`);
    lora = await createLora(client, photos, options);
    if (!options.wait) {
      process.stdout.write(`${lora.id} ${lora.status}\n`);
      return;
    }
    lora = await watchLora(client, lora, progress);
  } finally {
    progress.stop();
  }
  if (lora.status === "failed") {
    throw new CliError(`lora ${lora.name} failed: ${lora.error ?? "the server gave no reason"}`);
  }
  if (lora.status === "canceled") throw new CliError(`lora ${lora.name} was canceled`);
  const samples = options.out === undefined ? sampleUrls(lora) : await saveSamples(client, lora, options.out);
  const lines = [
    `model: ${lora.model}`,
    `trigger word: ${lora.trigger_word}`,
    `version: ${lora.version ?? "-"}`,
    ...samples.map((sample) => `sample: ${sample}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
