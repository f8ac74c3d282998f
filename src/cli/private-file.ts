/** Files that hold secrets (tokens, provider keys): readable and writable by their owner only. */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export const PRIVATE_FILE_MODE = 0o600;

/**
 * Writes `text` to `path` with mode 600, replacing the file whole (a temporary file renamed over it),
 * so that neither a half-written file nor a moment of wider permissions is ever seen. A missing
 * folder is created, readable by its owner only.
 */
export function writePrivateFile(path: string, text: string): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: PRIVATE_FILE_MODE, flag: "wx" });
    // The umask may only narrow the mode; this also narrows a file an editor re-created wider.
    chmodSync(temporary, PRIVATE_FILE_MODE);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
