/** The `gengate` command run as a child process, with an environment free of the developer's GENGATE_* settings. */
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../../bin/gengate.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** process.env without GENGATE_* variables, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("GENGATE_")),
  );
  return { ...env, ...extra };
}

export function runCli(
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((done) => {
    const opts = { cwd: options.cwd ?? tmpdir(), env: options.env };
    execFile(process.execPath, [CLI_BIN, ...args], opts, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
