/** `gengate storage`: copy the stored files to another driver, and check them against the database. */
import type { Command } from "commander";
import { loadConfig } from "../../config.ts";
import { checkBlobs } from "../../storage/check-blobs.ts";
import { copyBlobs } from "../../storage/copy-blobs.ts";
import { openStorage } from "../../storage/open-storage.ts";
import { storageTargetOf } from "../../storage/storage-config.ts";
import { CliError } from "../cli-error.ts";
import { loadDotEnv } from "../dot-env.ts";
import { addLocalStoreOptions, type LocalStoreOptions, withLocalStore } from "../local-store.ts";

interface MigrateOptions {
  to: string;
  dataDir?: string;
  concurrency: string;
  verify?: boolean;
}

/** At most this many keys of a list are printed; the count says the rest. */
const SHOWN = 20;

const list = (title: string, keys: string[]) =>
  keys.length === 0
    ? ""
    : `${title}:\n${keys
        .slice(0, SHOWN)
        .map((key) => `  ${key}\n`)
        .join("")}${keys.length > SHOWN ? `  … and ${keys.length - SHOWN} more\n` : ""}`;

export function storageCommand(program: Command): void {
  const storage = program
    .command("storage")
    .description("the stored files (STORAGE_URL): copy them to another driver, check them");

  storage
    .command("migrate")
    .description(
      "copy every stored file to another driver (file://, s3://, azblob://); rerun to resume; switches nothing",
    )
    .requiredOption(
      "--to <url>",
      "where to copy to, e.g. s3://bucket/prefix (credentials from the environment)",
    )
    .option("--data-dir <dir>", "data folder (env GENGATE_DATA_DIR, default ./data)")
    .option("--concurrency <n>", "files copied at once", "4")
    .option("--verify", "also read back the files already at the destination and check their hash")
    .action(async (options: MigrateOptions) => {
      loadDotEnv();
      const config = loadConfig(process.env, {
        ...(options.dataDir !== undefined && { GENGATE_DATA_DIR: options.dataDir }),
      });
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
        throw new CliError("--concurrency must be a whole number from 1 to 64");
      const from = await openStorage(config.storage);
      const to = await openStorage(storageTargetOf(options.to, process.env, config.dataDir, "--to"));
      process.stderr.write(`copying ${from.location} → ${to.location}\n`);
      let done = 0;
      const summary = await copyBlobs(from, to, {
        concurrency,
        verifyExisting: options.verify === true,
        onBlob: () => {
          done++;
          if (done % 100 === 0) process.stderr.write(`${done} files…\n`);
        },
      });
      process.stdout.write(
        `${summary.copied} copied, ${summary.skipped} already there, ${summary.failed.length} failed\n${list(
          "failed",
          summary.failed.map(({ key, reason }) => `${key}: ${reason}`),
        )}`,
      );
      if (summary.failed.length > 0)
        throw new CliError(`${summary.failed.length} files were not copied; rerun to retry them`);
      process.stderr.write(
        `nothing was switched: set STORAGE_URL=${options.to} and restart gengate to use the copy\n`,
      );
    });

  addLocalStoreOptions(
    storage
      .command("check")
      .description(
        "check that every file the database refers to is stored, and list stored files nothing refers to",
      ),
  ).action(async (options: LocalStoreOptions) => {
    const result = await withLocalStore(options, async (store, config) =>
      checkBlobs(await openStorage(config.storage), store.blobReferences.keys()),
    );
    process.stdout.write(
      `${result.referenced} referenced, ${result.stored} stored, ${result.missing.length} missing, ${result.orphans.length} orphans\n${list(
        "missing",
        result.missing,
      )}${list("orphans (referenced by nothing)", result.orphans)}`,
    );
    if (result.missing.length > 0)
      throw new CliError(`${result.missing.length} referenced files are missing`);
  });
}
