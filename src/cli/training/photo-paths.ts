/** The files `gengate train` sends for its photo arguments. */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../cli-error.ts";

/**
 * A file is sent as it is (a zip too: the server opens it); a folder gives its files, not those of
 * its subfolders, and none of its hidden ones. The server judges every file by its content.
 */
export async function expandPhotoPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await filesAt(path)));
  return files;
}

async function filesAt(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new CliError(`${path}: no such file or folder`);
    throw error;
  });
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  for (const name of (await readdir(path)).sort()) {
    const file = join(path, name);
    if (!name.startsWith(".") && (await stat(file)).isFile()) files.push(file);
  }
  if (files.length === 0) throw new CliError(`${path}: no files in this folder`);
  return files;
}
