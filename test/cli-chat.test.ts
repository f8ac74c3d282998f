/** `gengate complete` and `gengate chat`, run as child processes against a real gengate. */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.ts";

const BIN = resolve(import.meta.dirname, "../bin/gengate.js");
const dir = mkdtempSync(join(tmpdir(), "gengate-cli-chat-"));
let gateway: TestGateway;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const config = join(dir, "gengate.config.json");
  writeFileSync(
    config,
    JSON.stringify({
      models: {
        "sim-chat": { targets: [{ provider: "sim", model: "sim/text", input: { token_interval_ms: 5 } }] },
      },
    }),
  );
  gateway = await startGateway({ GENGATE_CONFIG: config });
  const clean = Object.entries(process.env).filter(([name]) => !name.startsWith("GENGATE_"));
  env = {
    ...Object.fromEntries(clean),
    GENGATE_URL: gateway.url,
    GENGATE_TOKEN: gateway.token,
  };
});

afterAll(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

function gengate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function chatPredictions() {
  const all = await gateway.engine.list({ limit: 100 });
  return all.filter((p) => p.model === "gengate/sim-chat").reverse();
}

describe("gengate complete", () => {
  it("prints the model's answer to a prompt", async () => {
    const result = await gengate([
      "complete",
      "Tell me about the harbor",
      "--max-tokens",
      "7",
      "--temperature",
      "0.3",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // sim/text echoes the prompt's first words, then makes up more
    expect(result.stdout).toMatch(/^Tell me about the( \S+){3}\n$/);
  });

  it("fails with the server's reason", async () => {
    const result = await gengate(["complete", "hi", "--model", "sim/image"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("does not generate text");
  });
});

describe("gengate chat", () => {
  it("streams each answer and keeps the conversation until /exit", async () => {
    const child = spawn(process.execPath, [BIN, "chat", "--model", "sim-chat", "--system", "Be brief."], {
      env,
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    /** Resolves once the chat has shown its `> ` prompt `count` times. */
    const prompts = (count: number) =>
      new Promise<void>((done) => {
        const check = () => {
          if (stdout.split("> ").length <= count) return;
          child.stdout.off("data", check);
          done();
        };
        child.stdout.on("data", check);
        check();
      });
    const exited = new Promise<number | null>((done) => child.once("exit", done));

    await prompts(1);
    child.stdin.write("Tell me about the harbor\n");
    await prompts(2);
    child.stdin.write("And the boats\n");
    await prompts(3);
    child.stdin.write("/exit\n");
    expect(await exited).toBe(0);

    const answers = stdout
      .split("> ")
      .slice(1, 3)
      .map((text) => text.trim());
    expect(answers[0]).toMatch(/^Tell me about the/);
    const [first, second] = await chatPredictions();
    expect(first?.input).toMatchObject({ prompt: "Tell me about the harbor", system_prompt: "Be brief." });
    // the second question goes with the first answer
    expect(second?.input).toMatchObject({
      prompt: `User: Tell me about the harbor\nAssistant: ${answers[0]}\nUser: And the boats\nAssistant:`,
      system_prompt: "Be brief.",
    });
    expect(answers[1]).toBe((second?.output as string[] | undefined)?.join(""));
  });
});
