/**
 * A provider refusing gengate's own key (each fake, over real HTTP, given a wrong one) is
 * gengate's configuration problem: the client, whose gengate token is fine, gets a 502 that says
 * so, never the upstream's 401; the operator gets a log line naming the setting to fix; the key
 * itself appears nowhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startFakeFal } from "./fakes/fal/index.ts";
import { startFakeReplicate } from "./fakes/replicate/index.ts";
import { startFakeRunpod } from "./fakes/runpod/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { captureLogs } from "./support/log-capture.ts";

const dir = mkdtempSync(join(tmpdir(), "gengate-credentials-"));
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, providers: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ providers }));
  return file;
}

async function gatewayWith(env: Record<string, string>) {
  const logs = captureLogs();
  const gateway = await startGateway(env, undefined, logs.logger);
  closers.push(() => gateway.close());
  return { gateway, logs: logs.lines };
}

function expectConfigurationProblem(message: string, setting: string, key: string): void {
  expect(message).toMatch(/gengate is misconfigured/);
  expect(message).toContain(setting);
  expect(message).not.toContain(key);
}

/** An error-level line names the setting; the key is in no line at all. */
function expectOperatorTold(lines: string[], setting: string, key: string): void {
  const told = lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
  expect(told.some((line) => line.includes(setting))).toBe(true);
  for (const line of lines) expect(line).not.toContain(key);
}

/** A prediction of `model`, held until it ends: the failure gengate stores for it. */
async function failedPrediction(gateway: TestGateway, model: string): Promise<string> {
  const response = await gateway.api(`/v1/models/${model}/predictions`, {
    method: "POST",
    headers: { prefer: "wait=20" },
    body: JSON.stringify({ input: { prompt: "a lighthouse", width: 64, height: 64 } }),
  });
  expect(response.status).toBe(201);
  const prediction = (await response.json()) as { status: string; error: string };
  expect(prediction.status).toBe("failed");
  return prediction.error;
}

/** The same through OpenAI's image endpoint, which answers a failed run with an HTTP status. */
async function openAiImage(
  gateway: TestGateway,
  model: string,
): Promise<{ status: number; message: string }> {
  const response = await gateway.api("/openai/v1/images/generations", {
    method: "POST",
    body: JSON.stringify({ model, prompt: "a lighthouse", n: 1, size: "256x256" }),
  });
  const body = (await response.json()) as { error: { message: string } };
  return { status: response.status, message: body.error.message };
}

describe("an upstream refusing gengate's own credentials", () => {
  it("Replicate: the client gets a 502 naming REPLICATE_API_TOKEN, never Replicate's 401", async () => {
    const fake = await startFakeReplicate();
    closers.push(() => fake.close());
    const key = "r8_WrongKeyOfGengate0123456789abcdefABCD";
    const { gateway, logs } = await gatewayWith({ REPLICATE_API_TOKEN: key, REPLICATE_BASE_URL: fake.url });

    const response = await gateway.api("/v1/models/fake/sdxl/predictions", {
      method: "POST",
      body: JSON.stringify({ input: { prompt: "a lighthouse" } }),
    });
    expect(response.status).toBe(502);
    const problem = (await response.json()) as { status: number; detail: string };
    expect(problem.status).toBe(502);
    expectConfigurationProblem(problem.detail, "REPLICATE_API_TOKEN", key);
    expectOperatorTold(logs, "REPLICATE_API_TOKEN", key);
  });

  it("RunPod: the run fails naming RUNPOD_API_KEY, OpenAI's endpoint answers 502, the operator is told", async () => {
    const fake = await startFakeRunpod({ endpoints: { sd: { worker: "a1111" } } });
    closers.push(() => fake.close());
    const key = "rpa_WRONGKEYOFGENGATE000000000000000000000";
    const { gateway, logs } = await gatewayWith({
      RUNPOD_API_KEY: key,
      RUNPOD_BASE_URL: fake.url,
      GENGATE_CONFIG: configFile("runpod", {
        runpod: { endpoints: { sdxl: { endpointId: "sd", worker: "a1111" } } },
      }),
    });

    expectConfigurationProblem(await failedPrediction(gateway, "runpod/sdxl"), "RUNPOD_API_KEY", key);
    const image = await openAiImage(gateway, "runpod/sdxl");
    expect(image.status).toBe(502);
    expectConfigurationProblem(image.message, "RUNPOD_API_KEY", key);
    expectOperatorTold(logs, "RUNPOD_API_KEY", key);
    expect(fake.requests.map((r) => r.auth)).toEqual(["wrong", "wrong"]);
  });

  it("fal: the run fails naming FAL_KEY, OpenAI's endpoint answers 502, the operator is told", async () => {
    const fake = await startFakeFal({ queueMs: 20, runMs: 20 });
    closers.push(() => fake.close());
    const key = "0b1e2c3d-wrong-key-of-gengate:5ec3e7000000000000000000000000";
    const { gateway, logs } = await gatewayWith({
      FAL_KEY: key,
      FAL_QUEUE_URL: fake.queueUrl,
      FAL_JWKS_URL: fake.jwksUrl,
      GENGATE_CONFIG: configFile("fal", { fal: { apps: { "flux-dev": { app: "fal-ai/flux/dev" } } } }),
    });

    expectConfigurationProblem(await failedPrediction(gateway, "fal/flux-dev"), "FAL_KEY", key);
    const image = await openAiImage(gateway, "fal/flux-dev");
    expect(image.status).toBe(502);
    expectConfigurationProblem(image.message, "FAL_KEY", key);
    expectOperatorTold(logs, "FAL_KEY", key);
    for (const line of logs) expect(line).not.toContain(key.split(":")[1]);
    expect(fake.jobs()).toEqual([]);
  });
});
