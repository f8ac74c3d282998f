/** `gengate serve` as a real child process, for crash tests and benchmarks. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/gengate.js", import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | string | null>;
}

/**
 * `cwd` is where it looks for `.env` (by default the test process's); `bin` is the `gengate.js` to
 * run (another checkout's, for a benchmark comparing two); `nodeFlags` go to node before it.
 */
export async function spawnServe(
  env: Record<string, string>,
  args: string[] = [],
  cwd?: string,
  bin = BIN,
  nodeFlags: string[] = [],
): Promise<ServeProcess> {
  const serve = [bin, "serve", "--port", "0", "--host", "127.0.0.1", ...args];
  const child = spawn(process.execPath, [...nodeFlags, ...serve], {
    ...(cwd !== undefined && { cwd }),
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /gengate is running at (\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off("data", onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) =>
      reject(new Error(`gengate serve exited (${code}) before listening:\n${output}`)),
    );
  });
  return { url, child, exited };
}
