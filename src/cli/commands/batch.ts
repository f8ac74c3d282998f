import { mkdir } from "node:fs/promises";
import type { Command } from "commander";
import { readBatchFile } from "../batch/batch-file.ts";
import { createBatchProgress } from "../batch/batch-progress.ts";
import {
  type BatchFlags,
  batchRequestBody,
  DEFAULT_MODEL,
  DEFAULT_NAME_TEMPLATE,
} from "../batch/batch-request.ts";
import { formatSummary, shortfall } from "../batch/batch-summary.ts";
import { type BatchOutcome, followBatch } from "../batch/follow-batch.ts";
import { describeStart, startBatch } from "../batch/start-batch.ts";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { collectParam, positiveInteger } from "../params.ts";

interface BatchOptions extends ClientOptions, BatchFlags {
  out: string;
}

const EXIT_INTERRUPTED = 130;

export function batchCommand(program: Command): void {
  const command = program
    .command("batch")
    .description(
      "run a model on every item of a file and save the outputs as they finish; " +
        "run the same command again to resume",
    )
    .argument(
      "<file>",
      ".json (array of items, or { items, model, input, name_template, concurrency }), " +
        ".jsonl (an item a line), .csv (a column an input field, and model, output_path, metadata.<name>), " +
        "or else a prompt a line; an item may have its own output_path (a file path under --out) and metadata",
    )
    // No commander defaults for --model and --name: a .json file's own fields go between flag and default.
    .option("--model <ref>", `model of the items that name none (default: "${DEFAULT_MODEL}")`)
    .option(
      "--param <key=value>",
      "input of every item unless it sets its own (repeatable); JSON values are parsed",
      collectParam,
    )
    .option("--concurrency <n>", "at most this many items run at once", positiveInteger)
    .option("--out <dir>", "where to save the outputs", ".")
    .option("--name <template>", `output file names (default: "${DEFAULT_NAME_TEMPLATE}")`)
    .option("--webhook <url>", "URL that receives the batch when it completes");
  addClientOptions(command).action(batch);
}

async function batch(path: string, options: BatchOptions): Promise<void> {
  const startedAt = Date.now();
  const client = clientFrom(options);
  const body = batchRequestBody(await readBatchFile(path), options);
  await mkdir(options.out, { recursive: true });
  const started = await startBatch(client, body);
  process.stderr.write(`${describeStart(started)}\n`);

  const progress = createBatchProgress();
  const onSigint = () => {
    progress.stop();
    process.stderr.write(
      `gengate: interrupted; batch ${started.batch.id} keeps running on the server: rerun the same command to resume it\n`,
    );
    process.exit(EXIT_INTERRUPTED);
  };
  process.once("SIGINT", onSigint);
  let outcome: BatchOutcome;
  try {
    outcome = await followBatch(client, started.batch, options.out, progress);
  } finally {
    process.off("SIGINT", onSigint);
  }
  process.stdout.write(formatSummary(outcome, options.out, Date.now() - startedAt));
  const problem = shortfall(outcome);
  if (problem !== undefined) throw new CliError(problem);
}
