import { describe, expect, it } from "vitest";
import type { ModelDescriptor } from "../../providers/provider.ts";
import { planChat } from "./chat-input.ts";
import type { ChatModel } from "./chat-model.ts";
import type { ChatRequest } from "./chat-request.ts";

function descriptor(properties: Record<string, { type: string }>, chat = false): ModelDescriptor {
  return {
    owner: "o",
    name: "m",
    description: "",
    versionId: "v",
    versionCreatedAt: "",
    inputSchema: { type: "object", properties },
    outputSchema: {},
    capabilities: { streaming: true, ...(chat && { chat: true }) },
    providerModel: "o/m",
  };
}

const request: ChatRequest = {
  model: "m",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi" },
  ],
  stream: false,
  includeUsage: false,
  sampling: { max_tokens: 10, temperature: 0.5, seed: 3 },
  stop: ["END"],
};

const llamaOnReplicate = descriptor({
  prompt: { type: "string" },
  system_prompt: { type: "string" },
  max_tokens: { type: "integer" },
  temperature: { type: "number" },
  stop_sequences: { type: "string" },
  prompt_template: { type: "string" },
});

describe("planChat", () => {
  it("a model reference: its template's prompt, its own parameter names, the others dropped", () => {
    const model: ChatModel = {
      ref: "meta/llama",
      descriptor: llamaOnReplicate,
      family: "llama3",
      params: null,
    };
    const plan = planChat(model, request);
    expect(plan.input).toEqual({
      prompt:
        "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
      prompt_template: "{prompt}",
      max_tokens: 10,
      temperature: 0.5,
      stop_sequences: "END,<|eot_id|>,<|end_of_text|>",
    });
    expect(plan.dropped).toEqual(["seed"]);
    expect(plan.stop).toEqual(["END", "<|eot_id|>", "<|end_of_text|>"]);
    expect(plan.maxTokensField).toBe("max_tokens");
  });

  it("an alias: gengate's names, checked against the first target's schema through its renaming", () => {
    const gemma = descriptor({ prompt: { type: "string" }, max_new_tokens: { type: "integer" } });
    const params = { max_tokens: "max_new_tokens", stop: null };
    const model: ChatModel = { ref: "gengate/gemma", descriptor: gemma, family: "gemma", params };
    const plan = planChat(model, request);
    expect(plan.input).toEqual({
      prompt: "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n",
      max_tokens: 10,
    });
    expect(plan.dropped).toEqual(["temperature", "seed"]);
    // gengate still ends the answer at the stop sequences
    expect(plan.stop).toEqual(["END", "<end_of_turn>"]);
    expect(plan.maxTokensField).toBe("max_new_tokens");
  });

  it("an alias whose target gengate cannot see: everything goes, for routing to decide", () => {
    const model: ChatModel = { ref: "gengate/x", descriptor: null, family: "chatml", params: {} };
    expect(planChat(model, request).input).toEqual({
      prompt:
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
      max_tokens: 10,
      temperature: 0.5,
      seed: 3,
      stop: ["END", "<|im_end|>"],
    });
  });

  it("the plain template: the system prompt apart, or in front of the prompt for a model without one", () => {
    const withSystem = descriptor({ prompt: { type: "string" }, system_prompt: { type: "string" } });
    const withoutSystem = descriptor({ prompt: { type: "string" } });
    const plan = (d: ModelDescriptor) =>
      planChat({ ref: "sim/text", descriptor: d, family: "plain", params: null }, request).input;
    expect(plan(withSystem)).toEqual({ prompt: "Hi", system_prompt: "Be brief." });
    expect(plan(withoutSystem)).toEqual({ prompt: "Be brief.\n\nHi" });
  });

  it("a chat model takes the conversation itself", () => {
    const vllm = descriptor(
      { messages: { type: "array" }, max_tokens: { type: "integer" }, stop: { type: "array" } },
      true,
    );
    const plan = planChat({ ref: "runpod/x", descriptor: vllm, family: "chatml", params: null }, request);
    expect(plan.input).toEqual({ messages: request.messages, max_tokens: 10, stop: ["END"] });
    expect(plan.stop).toEqual(["END"]);
  });
});
