/**
 * kill -9 of `gengate serve` in the middle of a batch run by `gengate batch`: after a restart,
 * rerunning the same command finishes the batch. Nothing is lost (every file, exactly named) and
 * nothing is created upstream twice (the fake Replicate's log of creates proves it).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

const BIN = resolve(import.meta.dirname, "../bin/gengate.js");
const ITEMS = 120;
const MODEL = "fake-official/flux-schnell";

const work = mkdtempSync(join(tmpdir(), "gengate-batch-crash-"));
const dataDir = join(work, "data");
const outDir = join(work, "out");
const servers: ServeProcess[] = [];
const clients: ChildProcess[] = [];
let fake: FakeReplicate | undefined;

afterAll(async () => {
  for (const process of [...servers.map((s) => s.child), ...clients]) process.kill("SIGKILL");
  await fake?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Env for the CLI without whatever GENGATE_* the developer's shell has. */
function cliEnv(url: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("GENGATE_")),
  );
  return { ...env, GENGATE_URL: url, GENGATE_TOKEN: TEST_TOKEN };
}

const batchArgs = [
  "batch",
  join(work, "prompts.txt"),
  "--model",
  MODEL,
  "--out",
  outDir,
  "--name",
  "{index:3}_{slug}.{ext}",
];

async function until(probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("a batch interrupted by kill -9", () => {
  it("finishes when the same command is run again after a restart, paying for nothing twice", async () => {
    const started = await startFakeReplicate({ latencyMs: { min: 200, max: 600 }, createsPerMinute: 6_000 });
    fake = started;
    const prompts = Array.from({ length: ITEMS }, (_, i) => `Crash test ${i + 1}`);
    writeFileSync(join(work, "prompts.txt"), `${prompts.join("\n")}\n`);
    const env = {
      GENGATE_DATA_DIR: dataDir,
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      REPLICATE_API_TOKEN: started.token,
      REPLICATE_BASE_URL: started.url,
    };

    const first = await spawnServe(env);
    servers.push(first);
    const interrupted = spawn(process.execPath, [BIN, ...batchArgs], {
      env: cliEnv(first.url),
      stdio: "ignore",
    });
    clients.push(interrupted);
    const done = () => started.predictions().filter((p) => p.completedAt !== undefined).length;
    await until(() => done() >= ITEMS / 4);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    interrupted.kill("SIGKILL");
    const savedBeforeCrash = readdirSync(outDir).filter((name) => !name.startsWith(".")).length;
    expect(savedBeforeCrash).toBeLessThan(ITEMS);

    const second = await spawnServe(env);
    servers.push(second);
    const rerun = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [BIN, ...batchArgs], { env: cliEnv(second.url) }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(rerun.stderr).toContain("resumed");
    expect(rerun.code, rerun.stderr).toBe(0);

    const expected = prompts.map((prompt, i) => {
      const slug = prompt.toLowerCase().replaceAll(" ", "-");
      return `${String(i + 1).padStart(3, "0")}_${slug}.webp`;
    });
    expect(readdirSync(outDir).sort()).toEqual(expected.sort());

    const creates = started.predictions().filter((p) => p.kind === "prediction");
    const byPrompt = new Map<unknown, number>();
    for (const p of creates) byPrompt.set(p.input.prompt, (byPrompt.get(p.input.prompt) ?? 0) + 1);
    expect(byPrompt.size).toBe(ITEMS);
    expect([...byPrompt.values()].every((count) => count === 1)).toBe(true);
  });
});
