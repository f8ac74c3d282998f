/**
 * The Responses API's `input` (a string, or a list of items) and `instructions` as the
 * conversation gengate's text models read. Text is all they read: an image, file or audio part,
 * a tool call's items and references to stored items are refused naming where they are, never
 * skipped.
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

export function conversationOf(input: string | unknown[], instructions: string | undefined): ChatMessage[] {
  const messages: ChatMessage[] = instructions ? [{ role: "system", content: instructions }] : [];
  if (typeof input === "string") return [...messages, { role: "user", content: input }];
  if (input.length === 0) throw paramError("input", "Invalid 'input': must have at least one item");
  input.forEach((item, index) => {
    messages.push(messageOf(item, `input[${index}]`));
  });
  return messages;
}

function messageOf(item: unknown, param: string): ChatMessage {
  if (!isObject(item)) throw paramError(param, `Invalid '${param}': each input item must be an object`);
  const type = item.type ?? "message";
  if (type === "item_reference") {
    throw unsupportedParam(
      param,
      `'${param}' is a reference to a stored item; gengate keeps no responses to refer to: send the item itself (with the AI SDK, providerOptions.openai.store = false)`,
    );
  }
  if (type !== "message") {
    throw unsupportedParam(
      param,
      `'${param}' is a '${String(type)}' item; gengate's text models take messages only (no tool calls or reasoning items)`,
    );
  }
  const role = ROLES[String(item.role)];
  if (!role)
    throw paramError(
      `${param}.role`,
      `Invalid '${param}.role': must be user, assistant, system or developer`,
    );
  return { role, content: textOf(item.content, `${param}.content`) };
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
