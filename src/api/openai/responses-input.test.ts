import { describe, expect, it } from "vitest";
import { conversationOf } from "./responses-input.ts";

const call = (id: string, name: string) => ({ type: "function_call", call_id: id, name, arguments: "{}" });
const chatCall = (id: string, name: string) => ({
  id,
  type: "function",
  function: { name, arguments: "{}" },
});

describe("a Responses conversation as chat messages", () => {
  it("makes an assistant's text and the calls after it one turn, each output a tool message", () => {
    const { openAiMessages, toolItem } = conversationOf(
      [
        { role: "user", content: "Weather and time in Paris?" },
        { role: "assistant", content: [{ type: "output_text", text: "Let me look" }] },
        call("call_1", "weather"),
        call("call_2", "time"),
        { type: "function_call_output", call_id: "call_1", output: "18 degrees" },
        { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "noon" }] },
      ],
      "Be brief",
    );
    expect(openAiMessages).toEqual([
      { role: "system", content: "Be brief" },
      { role: "user", content: "Weather and time in Paris?" },
      {
        role: "assistant",
        content: "Let me look",
        tool_calls: [chatCall("call_1", "weather"), chatCall("call_2", "time")],
      },
      { role: "tool", tool_call_id: "call_1", content: "18 degrees" },
      { role: "tool", tool_call_id: "call_2", content: "noon" },
    ]);
    expect(toolItem).toBe("input[2]");
  });

  it("starts an assistant turn for calls that follow a tool's output, and leaves the plain turns alone", () => {
    const { messages, openAiMessages } = conversationOf(
      [
        call("call_1", "weather"),
        { type: "function_call_output", call_id: "call_1", output: "18" },
        call("call_2", "time"),
      ],
      undefined,
    );
    expect(openAiMessages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
    expect(messages).toEqual([
      { role: "assistant", content: "{}" },
      { role: "user", content: "18" },
      { role: "assistant", content: "{}" },
    ]);
  });

  it("refuses an output's image part, naming where it is", () => {
    expect(() =>
      conversationOf(
        [{ type: "function_call_output", call_id: "c", output: [{ type: "input_image", image_url: "x" }] }],
        undefined,
      ),
    ).toThrow("'input[0].output[0]' is an 'input_image' part");
  });
});
