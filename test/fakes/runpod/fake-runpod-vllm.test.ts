/** The fake's vLLM worker: batches streamed over time through `/stream`, sampling parameters, cancel. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ended, fakeClient } from "./fake-client.ts";
import { type FakeRunpod, startFakeRunpod } from "./index.ts";

interface Batch {
  choices: Array<{ tokens: string[] }>;
  usage: { input: number; output: number };
}

let fake: FakeRunpod;
const llm = () => fakeClient(fake, "llm");

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: { llm: { worker: "vllm", executionMs: 20, tokenIntervalMs: 15 } },
  });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const run = (input: Record<string, unknown>) => llm().run({ input });
const tokensOf = (batches: Batch[]) => batches.flatMap((batch) => batch.choices[0]?.tokens ?? []);

/** Polls `/stream` until the job is final: the batches, and when each answer came. */
async function readStream(id: string): Promise<Array<{ at: number; batches: Batch[] }>> {
  const polls: Array<{ at: number; batches: Batch[] }> = [];
  for (;;) {
    const { body } = await llm().call(`stream/${id}`);
    const batches = (body.stream as Array<{ output: Batch }>).map((chunk) => chunk.output);
    if (batches.length > 0) polls.push({ at: Date.now(), batches });
    if (["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"].includes(String(body.status))) return polls;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("fake vLLM worker", () => {
  it("streams growing batches of tokens over time, each chunk once, and aggregates them in the output", async () => {
    const messages = [{ role: "user", content: "tell me about harbors" }];
    const id = await run({ messages, sampling_params: { max_tokens: 20 }, stream: true });
    const polls = await readStream(id);
    const batches = polls.flatMap((poll) => poll.batches);
    expect(batches.map((batch) => batch.choices[0]?.tokens.length)).toEqual([1, 3, 9, 7]);
    expect(batches.map((batch) => batch.usage.output)).toEqual([1, 4, 13, 20]);
    expect(polls.length).toBeGreaterThan(1);
    expect((polls.at(-1)?.at ?? 0) - (polls[0]?.at ?? 0)).toBeGreaterThanOrEqual(200);
    const job = await llm().until(id, ended);
    expect(job.body).toMatchObject({ status: "COMPLETED", output: batches });
    expect(tokensOf(batches).join("")).toMatch(/^[A-Z]\w*( \w+){19}$/);
    expect((await llm().call(`stream/${id}`)).body).toEqual({ status: "COMPLETED", stream: [] });
  });

  it("is deterministic for a prompt and seed, honours stop, and without stream yields one batch", async () => {
    const once = async (input: Record<string, unknown>) => {
      const job = await llm().until(await run({ stream: true, ...input }), ended);
      return tokensOf(job.body.output as Batch[]).join("");
    };
    const text = await once({ prompt: "the sea", sampling_params: { max_tokens: 8, seed: 1 } });
    expect(await once({ prompt: "the sea", sampling_params: { max_tokens: 8, seed: 1 } })).toBe(text);
    expect(await once({ prompt: "the sea", sampling_params: { max_tokens: 8, seed: 2 } })).not.toBe(text);
    const fourth = text.split(" ")[3] ?? "";
    const stopped = await once({
      prompt: "the sea",
      sampling_params: { max_tokens: 8, seed: 1, stop: [fourth] },
    });
    expect(text.startsWith(stopped)).toBe(true);
    expect(stopped).not.toContain(fourth);

    const whole = await llm().until(
      await run({ prompt: "the sea", sampling_params: { max_tokens: 8, seed: 1 } }),
      ended,
    );
    expect(whole.body.output).toEqual([{ choices: [{ tokens: [text] }], usage: { input: 2, output: 8 } }]);
  });

  it("fails the job with vLLM's message on bad sampling parameters", async () => {
    const failed = async (sampling_params: Record<string, unknown>) =>
      (await llm().until(await run({ prompt: "x", sampling_params }), ended)).body.error;
    expect(await failed({ max_tokens: 0 })).toBe("max_tokens must be at least 1, got 0.");
    expect(await failed({ top_p: 2 })).toBe("top_p must be in (0, 1], got 2.");
    expect(await failed({ max_new_tokens: 5 })).toBe("Unexpected keyword argument 'max_new_tokens'");
  });

  it("stops generating when the job is cancelled", async () => {
    const id = await run({ prompt: "long", sampling_params: { max_tokens: 500 }, stream: true });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await llm().call(`cancel/${id}`, { method: "POST" });
    const streamed = tokensOf(
      ((await llm().call(`stream/${id}`)).body.stream as Array<{ output: Batch }>).map((c) => c.output),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const after = (await llm().call(`stream/${id}`)).body;
    expect(after).toEqual({ status: "CANCELLED", stream: [] });
    expect(streamed.length).toBeLessThan(50);
  });
});
