/**
 * The Responses API's `input` (a string, or a list of items) and `instructions` as the
 * conversation gengate's text models read, in two forms: the plain turns every text model reads,
 * and chat completions' messages for a model that takes OpenAI's messages natively (developer
 * turns kept, `function_call` items as an assistant's `tool_calls`, `function_call_output` items
 * as `tool` messages). Text is all they read: an image, file or audio part and other items are
 * refused naming where they are, never skipped (`item_reference`s are resolved before, in
 * responses-references.ts).
 */
import type { ChatMessage } from "../../catalog/prompt-templates.ts";
import { paramError, unsupportedParam } from "./openai-error.ts";

type Item = Record<string, unknown>;

const ROLES: Record<string, ChatMessage["role"]> = {
  user: "user",
  assistant: "assistant",
  system: "system",
  // What newer models call the system prompt.
  developer: "system",
};

/** Text parts, as the client sends them and as a previous answer has them (a refusal is its text). */
const TEXT_PARTS: Record<string, string> = { input_text: "text", output_text: "text", refusal: "refusal" };

const isObject = (value: unknown): value is Item =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export interface Conversation {
  messages: ChatMessage[];
  /** Chat completions' messages, for a model that takes them natively. */
  openAiMessages: Record<string, unknown>[];
  /** The first item that is a tool call or a tool's output (`input[2]`), which only such a model reads. */
  toolItem?: string;
}

export function conversationOf(input: string | unknown[], instructions: string | undefined): Conversation {
  const conversation: Conversation = { messages: [], openAiMessages: [] };
  if (instructions) add(conversation, { role: "system", content: instructions });
  if (typeof input === "string") {
    add(conversation, { role: "user", content: input });
    return conversation;
  }
  if (input.length === 0) throw paramError("input", "Invalid 'input': must have at least one item");
  input.forEach((item, index) => {
    addItem(conversation, item, `input[${index}]`);
  });
  return conversation;
}

function add(
  conversation: Conversation,
  message: ChatMessage,
  openAi: Record<string, unknown> = { ...message },
) {
  conversation.messages.push(message);
  conversation.openAiMessages.push(openAi);
}

function addItem(conversation: Conversation, item: unknown, param: string): void {
  if (!isObject(item)) throw paramError(param, `Invalid '${param}': each input item must be an object`);
  const type = item.type ?? "message";
  if (type === "message") {
    const role = ROLES[String(item.role)];
    if (!role)
      throw paramError(
        `${param}.role`,
        `Invalid '${param}.role': must be user, assistant, system or developer`,
      );
    const content = textOf(item.content, `${param}.content`);
    add(conversation, { role, content }, { role: item.role, content });
    return;
  }
  if (type === "function_call" || type === "function_call_output") {
    conversation.toolItem ??= param;
    if (type === "function_call") addCall(conversation, item, param);
    else addOutput(conversation, item, param);
    return;
  }
  throw unsupportedParam(
    param,
    `'${param}' is a '${String(type)}' item; gengate's text models take messages, function_call and function_call_output items only`,
  );
}

const stringField = (item: Item, field: string, param: string): string => {
  const value = item[field];
  if (typeof value !== "string" || value === "")
    throw paramError(`${param}.${field}`, `Invalid '${param}.${field}': must be a non-empty string`);
  return value;
};

/** A call the model made: one more of its assistant turn's `tool_calls` (parallel calls are one turn). */
function addCall(conversation: Conversation, item: Item, param: string): void {
  const name = stringField(item, "name", param);
  const args = item.arguments;
  if (typeof args !== "string")
    throw paramError(`${param}.arguments`, `Invalid '${param}.arguments': must be a JSON string`);
  const call = {
    id: stringField(item, "call_id", param),
    type: "function",
    function: { name, arguments: args },
  };
  const last = conversation.openAiMessages.at(-1);
  if (last?.role === "assistant") {
    last.tool_calls = [...((last.tool_calls as unknown[] | undefined) ?? []), call];
    return;
  }
  add(
    conversation,
    { role: "assistant", content: args },
    { role: "assistant", content: null, tool_calls: [call] },
  );
}

function addOutput(conversation: Conversation, item: Item, param: string): void {
  const callId = stringField(item, "call_id", param);
  const content = textOf(item.output, `${param}.output`);
  // A model without tool messages would read the output as the user's turn.
  add(conversation, { role: "user", content }, { role: "tool", tool_call_id: callId, content });
}

function textOf(content: unknown, param: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content))
    throw paramError(param, `Invalid '${param}': must be a string or a list of content parts`);
  return content
    .map((part, index) => {
      const where = `${param}[${index}]`;
      const field = isObject(part) ? TEXT_PARTS[String(part.type)] : undefined;
      if (isObject(part) && field && typeof part[field] === "string") return part[field];
      if (isObject(part) && typeof part.type === "string" && !field) {
        throw unsupportedParam(
          where,
          `'${where}' is an '${part.type}' part; gengate's text models read text only (input_text)`,
        );
      }
      throw paramError(where, `Invalid '${where}': must be { type: "input_text", text }`);
    })
    .join("\n");
}
