/** Saves the output files of succeeded items as they come, each once, never half-written under its name. */
import { access, mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { outputPathProblem } from "../../core/output-path.ts";
import type { ApiClient } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { download } from "../prediction-outputs.ts";
import { createLimiter } from "./limiter.ts";

/** A resumed batch replays every finished item at once: this keeps that from opening thousands of downloads. */
const PARALLEL_DOWNLOADS = 4;

export interface OutputFile {
  name: string;
  url: string;
}

export interface SavedOutputs {
  saved: number;
  /** Already in the directory, from an earlier run. */
  present: number;
  failed: { name: string; error: string }[];
}

export interface OutputSaver {
  save(output: OutputFile): void;
  /** Waits for the downloads under way. */
  finish(): Promise<SavedOutputs>;
}

export function createOutputSaver(client: ApiClient, dir: string): OutputSaver {
  const limit = createLimiter(PARALLEL_DOWNLOADS);
  const result: SavedOutputs = { saved: 0, present: 0, failed: [] };
  const pending: Promise<void>[] = [];
  return {
    save(output) {
      const saving = limit(() => saveOutput(client, output, dir)).then(
        (outcome) => {
          result[outcome]++;
        },
        (error: unknown) => {
          result.failed.push({ name: output.name, error: (error as Error).message });
        },
      );
      pending.push(saving);
    },
    async finish() {
      await Promise.all(pending);
      return result;
    },
  };
}

/** Saves `output` under its name in `dir`, in the subfolders the name has. */
export async function saveOutput(
  client: ApiClient,
  output: OutputFile,
  dir: string,
): Promise<"saved" | "present"> {
  // The name comes from the server; never let it point outside the directory.
  const problem = outputPathProblem(output.name);
  if (problem !== undefined) {
    throw new CliError(
      `the server named an output ${JSON.stringify(output.name)}, which is not a path inside ${dir}: it ${problem}`,
    );
  }
  const path = join(dir, output.name);
  if (await exists(path)) return "present";
  await mkdir(dirname(path), { recursive: true });
  const partial = join(dirname(path), `.${basename(path)}.part`);
  try {
    await download(client, output.url, partial);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, path);
  return "saved";
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
