import { describe, expect, it } from "vitest";
import { type ChatMessage, guessPromptFamily, renderChat } from "./prompt-templates.ts";

const conversation: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hi" },
  { role: "assistant", content: "Hello!" },
  { role: "user", content: "Name a colour" },
];

describe("renderChat", () => {
  it("llama3: header turns, the system prompt as its own turn", () => {
    expect(renderChat(conversation, "llama3")).toEqual({
      prompt:
        "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>" +
        "<|start_header_id|>user<|end_header_id|>\n\nName a colour<|eot_id|>" +
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
      stop: ["<|eot_id|>", "<|end_of_text|>"],
    });
  });

  it("chatml: im_start turns", () => {
    expect(renderChat(conversation, "chatml")).toEqual({
      prompt:
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n" +
        "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nName a colour<|im_end|>\n" +
        "<|im_start|>assistant\n",
      stop: ["<|im_end|>"],
    });
  });

  it("gemma: no system turn, so the system prompt opens the first user turn; the assistant is the model", () => {
    expect(renderChat(conversation, "gemma")).toEqual({
      prompt:
        "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n" +
        "<start_of_turn>user\nName a colour<end_of_turn>\n<start_of_turn>model\n",
      stop: ["<end_of_turn>"],
    });
  });

  it("mistral: [INST] turns, the system prompt folded into the first", () => {
    expect(renderChat(conversation, "mistral")).toEqual({
      prompt: "[INST] Be brief.\n\nHi [/INST]Hello!</s>[INST] Name a colour [/INST]",
      stop: ["</s>"],
    });
  });

  it("a system message with no user turn after it becomes a user turn", () => {
    const prompt = renderChat([{ role: "system", content: "Say hi." }], "gemma").prompt;
    expect(prompt).toBe("<start_of_turn>user\nSay hi.<end_of_turn>\n<start_of_turn>model\n");
  });

  it("plain: one user message is the prompt, the system prompt kept apart", () => {
    expect(renderChat(conversation.slice(0, 2), "plain")).toEqual({
      prompt: "Hi",
      systemPrompt: "Be brief.",
      stop: ["\nUser:"],
    });
  });

  it("plain: a conversation is a transcript ending with the assistant's label", () => {
    expect(renderChat(conversation.slice(1), "plain")).toEqual({
      prompt: "User: Hi\nAssistant: Hello!\nUser: Name a colour\nAssistant:",
      stop: ["\nUser:"],
    });
  });
});

describe("guessPromptFamily", () => {
  it.each([
    ["meta/meta-llama-3-8b-instruct", "llama3"],
    ["meta/Meta-Llama-3.1-405B-Instruct", "llama3"],
    ["google-deepmind/gemma-2b-it", "gemma"],
    ["mistralai/mistral-7b-instruct-v0.2", "mistral"],
    ["mistralai/mixtral-8x7b-instruct-v0.1", "mistral"],
    ["sim/text", "plain"],
    ["fake/llm", "chatml"],
    ["qwen/qwen2.5-7b-instruct", "chatml"],
  ])("%s → %s", (model, family) => {
    expect(guessPromptFamily(model)).toBe(family);
  });
});
