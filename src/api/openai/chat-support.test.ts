import { describe, expect, it } from "vitest";
import type { ChatModel } from "./chat-model.ts";
import { checkSupport } from "./chat-support.ts";

const model = (jsonOutput: boolean): ChatModel => ({
  name: "m",
  ref: "gengate/m",
  descriptor: null,
  family: "plain",
  params: {},
  jsonOutput,
});

describe("what the client relies on, against the model", () => {
  it("passes response_format as it is to a model that honours JSON output, and refuses it otherwise", () => {
    const format = { type: "json_schema" as const, json_schema: { name: "answer", strict: true } };
    expect(checkSupport(model(true), { response_format: format })).toEqual({
      native: { response_format: format },
      dropped: [],
    });
    expect(() => checkSupport(model(false), { response_format: format })).toThrow(
      "The model 'm' does not support JSON output (json_schema) ('response_format')",
    );
  });

  it("names a refused parameter as the client's route spells it", () => {
    const format = { type: "json_object" as const };
    expect(() =>
      checkSupport(
        model(false),
        { response_format: format },
        { paramNames: { response_format: "text.format" } },
      ),
    ).toThrow("does not support JSON output (json_object) ('text.format')");
  });

  it("honours the values that ask for nothing more than text", () => {
    const plain = {
      logprobs: false,
      response_format: { type: "text" as const },
      modalities: ["text" as const],
    };
    expect(checkSupport(model(false), plain)).toEqual({ native: {}, dropped: [] });
  });

  it("passes tools through to a model that takes them natively, only where the route answers tool calls", () => {
    const tools = [{ type: "function" as const, function: { name: "f", parameters: { type: "object" } } }];
    const native = { ...model(false), tools: true };
    expect(
      checkSupport(
        native,
        { tools, tool_choice: "required" },
        { answers: { toolCalls: true, logprobs: false } },
      ),
    ).toEqual({
      native: { tools, tool_choice: "required" },
      dropped: [],
    });
    expect(() => checkSupport(native, { tools }, {})).toThrow("does not support tool calls ('tools')");
    expect(() => checkSupport(model(false), {}, { toolItem: "input[2]" })).toThrow(
      "does not support tool calls or tool results in the conversation ('input[2]')",
    );
  });
});
