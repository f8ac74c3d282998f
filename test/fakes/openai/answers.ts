/**
 * What the fake OpenAI-compatible model answers, decided by the request as a real model would
 * be steered by it: a tool call when it has tools and no tool result yet (the tool `tool_choice`
 * names, else the first; said aloud first when the user's message begins "Think aloud"), a
 * sentence about the tool's result once it has one, JSON fitting a `json_schema` (or
 * `json_object`) output format, else an echo of the last user message.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
};

export interface ChatBody {
  model?: string;
  messages: { role: string; content?: unknown; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; parameters?: Schema } }[];
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: { schema?: Schema } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  logprobs?: boolean;
  top_logprobs?: number;
}

/** The answer's text in tokens (words with their spaces), as a real model's are numbered. */
export const tokensOf = (content: string | null) => content?.split(/(?<= )/) ?? [];

/** OpenAI's `logprobs` of `tokens`: each a little less likely than the one before. */
export function logprobsOf(tokens: string[], top: number) {
  const entry = (token: string, logprob: number) => ({ token, logprob, bytes: [...Buffer.from(token)] });
  return {
    content: tokens.map((token, i) => ({
      ...entry(token, -0.1 * (i + 1)),
      top_logprobs: Array.from({ length: top }, (_, rank) =>
        entry(rank === 0 ? token : `${token}${rank}`, -0.1 * (i + 1 + rank)),
      ),
    })),
    refusal: null,
  };
}

export interface Answer {
  content: string | null;
  toolCalls: { id: string; type: "function"; function: { name: string; arguments: string } }[];
  finishReason: "stop" | "tool_calls";
}

/** A value that fits `schema`; `violate` makes one that does not (a required property missing). */
export function valueFor(schema: Schema | undefined, violate = false): unknown {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  if (schema?.enum) return schema.enum[0];
  if (type === "object" || schema?.properties) {
    const entries = Object.entries(schema?.properties ?? {}).map(([name, sub]) => [name, valueFor(sub)]);
    return Object.fromEntries(violate ? entries.slice(1) : entries);
  }
  if (type === "array") return [valueFor(schema?.items)];
  if (type === "number" || type === "integer") return 21;
  if (type === "boolean") return true;
  return "Paris";
}

const textOf = (content: unknown) =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content.map((part: { text?: string }) => part.text ?? "").join("")
      : "";

export function answerFor(body: ChatBody, callId: string, violateSchema: boolean): Answer {
  const last = body.messages.at(-1);
  const tools = body.tools ?? [];
  if (tools.length > 0 && last?.role !== "tool" && body.tool_choice !== "none") {
    const chosen = (body.tool_choice as { function?: { name?: string } } | undefined)?.function?.name;
    const tool = tools.find((each) => each.function.name === chosen) ?? tools[0];
    if (tool) {
      const args = JSON.stringify(valueFor(tool.function.parameters ?? { type: "object" }));
      return {
        content: textOf(last?.content).startsWith("Think aloud") ? "Let me check the tool. " : null,
        toolCalls: [
          { id: callId, type: "function", function: { name: tool.function.name, arguments: args } },
        ],
        finishReason: "tool_calls",
      };
    }
  }
  const format = body.response_format;
  if (format?.type === "json_schema")
    return {
      content: JSON.stringify(valueFor(format.json_schema?.schema, violateSchema)),
      toolCalls: [],
      finishReason: "stop",
    };
  if (format?.type === "json_object")
    return { content: JSON.stringify({ answer: "Paris" }), toolCalls: [], finishReason: "stop" };
  if (last?.role === "tool")
    return { content: `The tool answered: ${textOf(last.content)}`, toolCalls: [], finishReason: "stop" };
  return { content: `You said: ${textOf(last?.content)}`, toolCalls: [], finishReason: "stop" };
}
