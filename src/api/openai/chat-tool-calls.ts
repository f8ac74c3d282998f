/**
 * The tool calls a model made, as its prediction's output holds them (after its text tokens, one
 * `{ tool_calls }` item in OpenAI's shape), and as a streamed chunk's `delta.tool_calls`.
 */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

const isToolCallsItem = (item: unknown): item is { tool_calls: ToolCall[] } =>
  typeof item === "object" && item !== null && Array.isArray((item as { tool_calls?: unknown }).tool_calls);

/** A text model's output: tokens, and a model's tool calls. */
export const isTextOutput = (output: unknown): output is unknown[] =>
  Array.isArray(output) && output.every((item) => typeof item === "string" || isToolCallsItem(item));

export function toolCallsOf(output: unknown): ToolCall[] {
  return isTextOutput(output) ? output.filter(isToolCallsItem).flatMap((item) => item.tool_calls) : [];
}

/** The calls as one streamed delta: each whole, numbered by `index`. */
export const toolCallDeltas = (calls: ToolCall[]) => calls.map((call, index) => ({ index, ...call }));
