import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import type { Provider, ProviderContext, StreamPart } from "../provider.ts";
import { createSimProvider } from "./index.ts";
import { simTokens } from "./text-tokens.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function sim(dataDir?: string): Promise<Provider> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "gengate-sim-text-"));
  dirs.push(dir);
  return createSimProvider({ GENGATE_SIM_LATENCY: "0" }, await providerDeps("sim", { dataDir: dir }));
}

const ctx: ProviderContext = {
  readInput: async () => {
    throw new Error("unexpected readInput");
  },
};

let predictions = 0;
async function startText(provider: Provider, input: Record<string, unknown>) {
  const request = {
    predictionId: `t${++predictions}`,
    submitId: `s${predictions}`,
    providerModel: "text",
    input: { prompt: "Tell me a story", ...input },
  };
  return (await provider.start(request, ctx)).operation;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Finish = Extract<StreamPart, { type: "finish" }>;

/** The tokens streamed, when each came, and the finish part, which nothing may follow. */
async function collect(
  events: AsyncIterable<StreamPart>,
): Promise<{ tokens: string[]; times: number[]; finish: Finish | undefined }> {
  const tokens: string[] = [];
  const times: number[] = [];
  let finish: Finish | undefined;
  for await (const event of events) {
    expect(finish).toBeUndefined();
    if (event.type === "finish") {
      finish = event;
      continue;
    }
    expect(event.type).toBe("output");
    tokens.push(event.data);
    times.push(Date.now());
  }
  return { tokens, times, finish };
}

function streamOf(provider: Provider, operation: unknown, signal?: AbortSignal): AsyncIterable<StreamPart> {
  if (!provider.stream) throw new Error("the sim provider must stream");
  return provider.stream(operation, { ...ctx, signal });
}

describe("sim/text", () => {
  it("succeeds with exactly max_tokens deterministic tokens", async () => {
    const provider = await sim();
    const input = { max_tokens: 12, seed: 4, token_interval_ms: 0 };
    const first = await provider.status(await startText(provider, input), ctx);
    const second = await provider.status(await startText(provider, input), ctx);
    expect(first).toMatchObject({ state: "succeeded", output: simTokens("Tell me a story", 4, 12) });
    expect(second.output).toEqual(first.output);
    expect(first.output).toHaveLength(12);
    expect((first.output as string[]).join("")).toMatch(/^Tell me a story /);
    expect(first.logs?.startsWith("Using seed: 4\n")).toBe(true);
  });

  it("reports the total generation time as predict_time", async () => {
    const provider = await sim();
    const operation = await startText(provider, { max_tokens: 3, latency_ms: 0, token_interval_ms: 10 });
    await sleep(30);
    expect(await provider.status(operation, ctx)).toMatchObject({
      state: "succeeded",
      metrics: { predict_time: 0.02 },
    });
  });

  it("returns the tokens so far while processing", async () => {
    const provider = await sim();
    const operation = await startText(provider, { max_tokens: 40, seed: 1, token_interval_ms: 25 });
    await sleep(110);
    const status = await provider.status(operation, ctx);
    expect(status.state).toBe("processing");
    const partial = status.output as string[];
    expect(partial.length).toBeGreaterThanOrEqual(4);
    expect(partial.length).toBeLessThan(40);
    expect(partial).toEqual(simTokens("Tell me a story", 1, 40).slice(0, partial.length));
    expect(status.nextPollMs).toBeGreaterThan(0);
    expect(status.nextPollMs).toBeLessThanOrEqual(25);
  });

  it("has no output before the first token", async () => {
    const provider = await sim();
    const status = await provider.status(await startText(provider, { latency_ms: 60_000 }), ctx);
    expect(status.state).toBe("processing");
    expect(status.output).toBeUndefined();
    expect(status.nextPollMs).toBeGreaterThan(59_000);
  });

  it("streams tokens as they become available", async () => {
    const provider = await sim();
    const operation = await startText(provider, {
      max_tokens: 5,
      seed: 2,
      token_interval_ms: 20,
      latency_ms: 0,
    });
    const { tokens, times, finish } = await collect(streamOf(provider, operation));
    expect(tokens).toEqual(simTokens("Tell me a story", 2, 5));
    expect(finish).toEqual({ type: "finish", finishReason: "length", usage: { outputTokens: 5 } });
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(70);
    expect((await provider.status(operation, ctx)).output).toEqual(tokens);
  });

  it("replays available tokens at once when a new instance resumes the stream", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gengate-sim-text-"));
    // Paced, the 30 tokens take 1.2 s; all of them are out by the time the new instance asks.
    const operation = await startText(await sim(dataDir), { max_tokens: 30, token_interval_ms: 40 });
    await sleep(1_300);
    const began = Date.now();
    const { tokens } = await collect(streamOf(await sim(dataDir), operation));
    expect(tokens).toHaveLength(30);
    // Replayed at once: well under the paced time, however busy the machine.
    expect(Date.now() - began).toBeLessThan(600);
  });

  it("stops streaming when the signal aborts", async () => {
    const provider = await sim();
    const operation = await startText(provider, { max_tokens: 100, token_interval_ms: 20 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const began = Date.now();
    const { tokens } = await collect(streamOf(provider, operation, controller.signal));
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.length).toBeLessThan(10);
    expect(Date.now() - began).toBeLessThan(200);
  });

  it("stops streaming when canceled", async () => {
    const provider = await sim();
    const operation = await startText(provider, { max_tokens: 100, token_interval_ms: 20 });
    setTimeout(() => void provider.cancel(operation, ctx), 50);
    const { tokens, finish } = await collect(streamOf(provider, operation));
    expect(tokens.length).toBeLessThan(10);
    expect(finish).toBeUndefined();
    expect((await provider.status(operation, ctx)).state).toBe("canceled");
  });

  it("fails before its first token and streams nothing", async () => {
    const provider = await sim();
    const operation = await startText(provider, { fail: "out of tokens", latency_ms: 20 });
    const { tokens } = await collect(streamOf(provider, operation));
    expect(tokens).toEqual([]);
    const status = await provider.status(operation, ctx);
    expect(status).toMatchObject({ state: "failed", error: "out of tokens" });
    expect(status.output).toBeUndefined();
  });

  it("does not stream images", async () => {
    const provider = await sim();
    const request = { predictionId: "img", submitId: "s", providerModel: "image", input: { prompt: "x" } };
    const { operation } = await provider.start(request, ctx);
    expect(() => streamOf(provider, operation)).toThrow("sim/image does not stream");
  });
});
