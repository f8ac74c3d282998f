/**
 * The `gengate` command run as a child process, with an environment free of the developer's GENGATE_*
 * settings and with a configuration folder of its own (so it neither reads nor writes the developer's
 * remembered URL and token).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../../bin/gengate.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const configFolders: string[] = [];
process.once("exit", () => {
  for (const folder of configFolders) rmSync(folder, { recursive: true, force: true });
});

/** A new, empty folder for XDG_CONFIG_HOME, removed when the test process exits. */
export function configFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "gengate-cli-config-"));
  configFolders.push(folder);
  return folder;
}

/** process.env without GENGATE_* variables, with a fresh XDG_CONFIG_HOME, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("GENGATE_")),
  );
  return { ...env, XDG_CONFIG_HOME: configFolder(), ...extra };
}

/** Runs the CLI to its end; `input` is written to its stdin, which is then closed. */
export function runCli(
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; input?: string },
): Promise<CliResult> {
  return new Promise((done) => {
    const opts = { cwd: options.cwd ?? tmpdir(), env: options.env };
    const child = execFile(process.execPath, [CLI_BIN, ...args], opts, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
