/**
 * What a model answered besides its text, as its prediction's output holds it after the text
 * tokens (a model of an OpenAI-compatible upstream): one `{ tool_calls }` item in OpenAI's shape,
 * one `{ logprobs }` item (OpenAI's `choices[].logprobs`) when they were asked for.
 */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

type AnswerItem = { tool_calls: ToolCall[] } | { logprobs: Record<string, unknown> };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isAnswerItem = (item: unknown): item is AnswerItem =>
  isObject(item) && (Array.isArray(item.tool_calls) || isObject(item.logprobs));

/** A text model's output: tokens, and what the model answered besides them. */
export const isTextOutput = (output: unknown): output is unknown[] =>
  Array.isArray(output) && output.every((item) => typeof item === "string" || isAnswerItem(item));

const answerItems = (output: unknown) => (isTextOutput(output) ? output.filter(isAnswerItem) : []);

export function toolCallsOf(output: unknown): ToolCall[] {
  return answerItems(output).flatMap((item) => ("tool_calls" in item ? item.tool_calls : []));
}

/** The log probabilities of the answer's tokens, when the model gave them. */
export function logprobsOf(output: unknown): Record<string, unknown> | null {
  for (const item of answerItems(output)) if ("logprobs" in item) return item.logprobs;
  return null;
}

/** The calls as one streamed delta: each whole, numbered by `index`. */
export const toolCallDeltas = (calls: ToolCall[]) => calls.map((call, index) => ({ index, ...call }));
