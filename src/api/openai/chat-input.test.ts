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
  relied: {},
  serviceOnly: [],
};

/** Nothing the client relies on was asked. */
const plainSupport = { native: {}, dropped: [] };

const llamaOnReplicate = descriptor({
  prompt: { type: "string" },
  system_prompt: { type: "string" },
  max_tokens: { type: "integer" },
  temperature: { type: "number" },
  stop_sequences: { type: "string" },
  prompt_template: { type: "string" },
});

const modelRef = (ref: string, d: ModelDescriptor, family: ChatModel["family"]): ChatModel => ({
  name: ref,
  ref,
  descriptor: d,
  family,
  params: null,
  jsonOutput: false,
});

describe("planChat", () => {
  it("a model reference: its template's prompt, its own parameter names, the others dropped", () => {
    const model: ChatModel = {
      name: "meta/llama",
      ref: "meta/llama",
      descriptor: llamaOnReplicate,
      family: "llama3",
      params: null,
      jsonOutput: false,
    };
    const plan = planChat(model, request, plainSupport);
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
    const model: ChatModel = {
      name: "gemma",
      ref: "gengate/gemma",
      descriptor: gemma,
      family: "gemma",
      params,
      jsonOutput: false,
    };
    const plan = planChat(model, request, plainSupport);
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
    const model: ChatModel = {
      name: "x",
      ref: "gengate/x",
      descriptor: null,
      family: "chatml",
      params: {},
      jsonOutput: false,
    };
    expect(planChat(model, request, plainSupport).input).toEqual({
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
      planChat(modelRef("sim/text", d, "plain"), request, plainSupport).input;
    expect(plan(withSystem)).toEqual({ prompt: "Hi", system_prompt: "Be brief." });
    expect(plan(withoutSystem)).toEqual({ prompt: "Be brief.\n\nHi" });
  });

  it("a chat model takes the conversation itself", () => {
    const vllm = descriptor(
      { messages: { type: "array" }, max_tokens: { type: "integer" }, stop: { type: "array" } },
      true,
    );
    const plan = planChat(modelRef("runpod/x", vllm, "chatml"), request, plainSupport);
    expect(plan.input).toEqual({ messages: request.messages, max_tokens: 10, stop: ["END"] });
    expect(plan.stop).toEqual(["END"]);
  });
});

describe("planChat, never silent", () => {
  it("names what it left out: tuning the model lacks and service-only parameters, not the token limit", () => {
    const bare = descriptor({ prompt: { type: "string" }, presence_penalty: { type: "number" } });
    const asked: ChatRequest = {
      ...request,
      sampling: { max_tokens: 5, presence_penalty: 1, frequency_penalty: 1, top_k: 40, prompt: "other" },
      serviceOnly: ["user", "store"],
    };
    const plan = planChat(modelRef("o/m", bare, "plain"), asked, { native: {}, dropped: ["tools"] });
    expect(plan.input).toMatchObject({ presence_penalty: 1 });
    expect(plan.input).not.toHaveProperty("top_k");
    // max_tokens is gengate's to enforce when the model has no limit of its own
    expect(plan.input.prompt).toBe("Be brief.\n\nHi");
    expect(plan.dropped).toEqual(["tools", "user", "store", "frequency_penalty", "top_k", "prompt"]);
    expect(plan.maxTokens).toBe(5);
  });

  it("passes what the model honours natively as it is", () => {
    const format = { type: "json_object" };
    const plan = planChat(modelRef("o/m", llamaOnReplicate, "llama3"), request, {
      native: { response_format: format },
      dropped: [],
    });
    expect(plan.input.response_format).toBe(format);
  });
});
