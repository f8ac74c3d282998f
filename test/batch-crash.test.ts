/**
 * kill -9 of `gengate serve` in the middle of a batch run by `gengate batch`: after a restart,
 * rerunning the same command finishes the batch. Nothing is lost (every file, exactly named) and
 * nothing is created upstream twice (the fake Replicate's log of creates proves it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { CLI_BIN, cliEnv, runCli } from "./support/cli-process.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";
import { until } from "./support/until.ts";

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

const clientEnv = (url: string) => cliEnv({ GENGATE_URL: url, GENGATE_TOKEN: TEST_TOKEN });

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
    const interrupted = spawn(process.execPath, [CLI_BIN, ...batchArgs], {
      env: clientEnv(first.url),
      stdio: "ignore",
    });
    clients.push(interrupted);
    const done = () => started.predictions().filter((p) => p.completedAt !== undefined).length;
    await until(() => done() >= ITEMS / 4 || undefined);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    interrupted.kill("SIGKILL");
    const savedBeforeCrash = readdirSync(outDir).filter((name) => !name.startsWith(".")).length;
    expect(savedBeforeCrash).toBeLessThan(ITEMS);

    const second = await spawnServe(env);
    servers.push(second);
    const rerun = await runCli(batchArgs, { env: clientEnv(second.url) });
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
