import { describe, expect, it } from "vitest";
import { GatewayError } from "../../core/errors.ts";
import type { Prediction } from "../../core/prediction.ts";
import { resolveReferences } from "./responses-references.ts";

function prediction(input: Record<string, unknown>, output: unknown[], patch: Partial<Prediction> = {}) {
  return { id: "p1", state: "succeeded", input, output, route: null, ...patch } as Prediction;
}

/** The item `msg_p1` stands for, when `p1` is this prediction. */
async function messageOf(stored: Prediction): Promise<unknown> {
  const body = await resolveReferences({ input: [{ type: "item_reference", id: "msg_p1" }] }, async (id) =>
    id === "p1" ? stored : undefined,
  );
  return (body as { input: unknown[] }).input[0];
}

const refusalOf = async (stored: Prediction) => {
  const error = await messageOf(stored).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GatewayError);
  return (error as GatewayError).message;
};

const text = (content: string) => ({ type: "message", role: "assistant", content });

describe("an item_reference to an earlier answer's message", () => {
  it("is the text the route answered: up to the token limit it was given, cut at a stop it was given", async () => {
    const tokens = ["One", " two", " three", " four"];
    expect(await messageOf(prediction({ messages: [], max_tokens: 2 }, tokens))).toEqual(text("One two"));
    expect(await messageOf(prediction({ messages: [], stop: [" thr"] }, tokens))).toEqual(text("One two"));
    expect(await messageOf(prediction({ messages: [] }, [...tokens, { logprobs: {} }]))).toEqual(
      text("One two three four"),
    );
  });

  it("is read from a reference that leaves its type out, as OpenAI's document allows", async () => {
    const body = await resolveReferences({ input: [{ id: "msg_p1" }] }, async () =>
      prediction({ messages: [] }, ["Hello"]),
    );
    expect(body).toEqual({ input: [text("Hello")] });
  });

  it("reads the limit and stops gengate submitted, not those an alias's target replaced them with", async () => {
    const route = { request: { prompt: "hi", max_tokens: 1 } } as unknown as Prediction["route"];
    expect(await messageOf(prediction({ prompt: "hi", max_tokens: 12 }, ["One", " two"], { route }))).toEqual(
      text("One"),
    );
  });

  it("refuses a prompt's answer that holds a turn end gengate may have cut it at", async () => {
    const message = await refusalOf(prediction({ prompt: "hi" }, ["Hello", "<|im_end|>", " more"]));
    expect(message).toContain("input[0]");
    expect(message).toContain("<|im_end|>");
  });

  it("refuses an answer that holds a piece of stops the model took as one comma-separated string", async () => {
    expect(await refusalOf(prediction({ messages: [], stop_sequences: "END,STOP" }, ["a STOP b"]))).toContain(
      "STOP",
    );
    expect(await messageOf(prediction({ messages: [], stop_sequences: "END,STOP" }, ["a b"]))).toEqual(
      text("a b"),
    );
  });

  it("refuses a message the answer did not have (tool calls alone) as unknown", async () => {
    const calls = { tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] };
    expect(await refusalOf(prediction({ messages: [] }, [calls]))).toContain("no item 'msg_p1'");
  });
});
