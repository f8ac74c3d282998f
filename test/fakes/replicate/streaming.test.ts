/** SSE at `urls.stream` (reference/replicate.md §4.4). */
import { beforeAll, describe, expect, it } from "vitest";
import { latestVersion, useFake } from "./test-support.ts";

const ctx = useFake({ latencyMs: { min: 600, max: 600 } });
let llm: string;

beforeAll(async () => {
  llm = await latestVersion(ctx.api, "fake/llm");
});

interface Event {
  event: string;
  id: string;
  data: string;
}

/** Reads a whole stream (without a token, like the JS client) into its events. */
async function readStream(url: string): Promise<Event[]> {
  const response = await fetch(url, { headers: { accept: "text/event-stream" } });
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const fields = block
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]);
      const field = (name: string) => fields.filter(([key]) => key === name).map(([, value]) => value);
      return { event: field("event")[0] ?? "", id: field("id")[0] ?? "", data: field("data").join("\n") };
    });
}

async function startLlm(prompt: string, maxTokens = 8) {
  const response = await ctx.api.post("/predictions", {
    version: llm,
    input: { prompt, max_tokens: maxTokens },
  });
  return response.json();
}

describe("prediction streams", () => {
  it("send each token, then done; a late subscriber gets the earlier tokens first", async () => {
    const prediction = await startLlm("stream me");
    const early = readStream(prediction.urls.stream);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const partial = await ctx.api.json<{ output: string[]; status: string }>(`/predictions/${prediction.id}`);
    expect(partial.status).toBe("processing");
    expect(partial.output.length).toBeGreaterThan(0);
    expect(partial.output.length).toBeLessThan(8);
    const late = readStream(prediction.urls.stream);

    for (const events of [await early, await late]) {
      expect(events.filter(({ event }) => event === "output").map(({ data }) => data)).toHaveLength(8);
      expect(events.at(-1)).toMatchObject({ event: "done", data: "{}" });
      for (const { id } of events) expect(id).toMatch(/^\d+:\d+$/);
    }
    expect(await early).toEqual(await late);
    const done = await ctx.api.json<{ output: string[] }>(`/predictions/${prediction.id}`);
    expect((await early).filter(({ event }) => event === "output").map(({ data }) => data)).toEqual(
      done.output,
    );
  });

  it("end with an error event and done reason error when the model fails", async () => {
    const events = await readStream((await startLlm("FAIL now", 3)).urls.stream);
    expect(events.slice(-2).map(({ event }) => event)).toEqual(["error", "done"]);
    expect(JSON.parse(events.at(-2)?.data ?? "")).toEqual({ detail: expect.stringMatching(/FAIL/) });
    expect(JSON.parse(events.at(-1)?.data ?? "")).toEqual({ reason: "error" });
  });

  it("end with done reason canceled when canceled", async () => {
    const prediction = await startLlm("cancel me");
    const events = readStream(prediction.urls.stream);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await ctx.api.post(`/predictions/${prediction.id}/cancel`, {});
    expect((await events).at(-1)).toMatchObject({ event: "done", data: '{"reason":"canceled"}' });
  });

  it("are only offered for streaming models", async () => {
    const image = await (
      await ctx.api.post("/models/fake-official/flux-schnell/predictions", { input: { prompt: "x" } })
    ).json();
    expect(image.urls.stream).toBeUndefined();
    expect((await fetch(`${ctx.fake.url}/streams/unknown`)).status).toBe(404);
  });
});
