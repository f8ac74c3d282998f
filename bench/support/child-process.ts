/**
 * A benchmark's helper process that says "ready <detail>" on stdout, then works while the parent
 * measures its CPU, and ends when its stdin closes.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface ReadyChild {
  child: ChildProcess;
  /** What followed "ready" on its first line (e.g. the port it listens on). */
  detail: string;
  /** Resolves with the next line it prints. */
  nextLine(): Promise<string>;
  stop(): Promise<void>;
}

export async function spawnReady(script: string, args: string[] = []): Promise<ReadyChild> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(line);
      waiting.push(resolve);
      void exited.then(() => reject(new Error(`${script} exited`)));
    });
  const first = await nextLine();
  if (!first.startsWith("ready")) throw new Error(`${script} said ${first}`);
  return {
    child,
    detail: first.slice("ready".length).trim(),
    nextLine,
    async stop() {
      child.stdin?.end();
      await exited;
    },
  };
}
