/**
 * kill -9 between Replicate accepting a create and gengate recording it: after a restart the
 * prediction finishes on the work already paid for, and nothing is created twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { signedFileLink } from "./support/file-link.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gengate-replicate-crash-"));
const processes: ServeProcess[] = [];
let fake: FakeReplicate | undefined;

afterAll(async () => {
  for (const { child } of processes) child.kill("SIGKILL");
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const authed = { authorization: `Bearer ${TEST_TOKEN}` };

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function create(url: string, prompt: string, prefer?: string) {
  const response = await fetch(`${url}/v1/models/fake/sdxl/predictions`, {
    method: "POST",
    headers: { ...authed, ...(prefer && { prefer }) },
    body: JSON.stringify({ input: { prompt, width: 256, height: 256 } }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; status: string };
}

async function statusOf(url: string, id: string) {
  const response = await fetch(`${url}/v1/predictions/${id}`, { headers: authed });
  return (await response.json()) as { status: string; output: string[] | null };
}

describe("crash between an upstream create and recording it", () => {
  it("adopts the create after kill -9 and a restart", async () => {
    const started = await startFakeReplicate({ latencyMs: { min: 20, max: 60 } });
    fake = started;
    const env = {
      GENGATE_DATA_DIR: dataDir,
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      REPLICATE_API_TOKEN: started.token,
      REPLICATE_BASE_URL: started.url,
      LOG_LEVEL: "debug",
    };
    const first = await spawnServe(env);
    processes.push(first);
    let logs = "";
    first.child.stdout?.on("data", (chunk: Buffer) => {
      logs += chunk.toString();
    });
    expect((await create(first.url, "warm-up", "wait")).status).toBe("succeeded");

    // the next API request is the create: the fake makes the prediction, then holds the answer
    started.faults.slow(10_000, 1);
    const { id } = await create(first.url, "crash");
    await until(() => started.predictions().find((p) => p.input.prompt === "crash"));
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");

    const second = await spawnServe(env);
    processes.push(second);
    second.child.stdout?.on("data", (chunk: Buffer) => {
      logs += chunk.toString();
    });
    const done = await until(async () => {
      const prediction = await statusOf(second.url, id);
      return prediction.status === "starting" || prediction.status === "processing" ? undefined : prediction;
    });
    expect(done.status).toBe("succeeded");
    expect(done.output?.[0]).toMatch(signedFileLink(second.url, "png"));
    expect(started.predictions().filter((p) => p.input.prompt === "crash")).toHaveLength(1);
    expect(logs).toContain("adopted work started before a restart");
    expect(logs).not.toContain(started.token);
  }, 40_000);
});
