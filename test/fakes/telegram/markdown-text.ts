/**
 * `parse_mode: "MarkdownV2"` (and the legacy "Markdown") as Telegram reads it: entities over the
 * plain text, and MarkdownV2's rule that every reserved character outside an entity's syntax is
 * escaped with '\' ("can't parse entities: Character '.' is reserved ...").
 */
import type { MessageEntity } from "grammy/types";
import { badRequest } from "./api-error.ts";

const RESERVED_V2 = new Set("_*[]()~`>#+-=|{}.!");
const TOGGLES_V2: Record<string, MessageEntity["type"]> = {
  "*": "bold",
  _: "italic",
  __: "underline",
  "~": "strikethrough",
  "||": "spoiler",
};
const TOGGLES_LEGACY: Record<string, MessageEntity["type"]> = { "*": "bold", _: "italic" };

interface Open {
  type: MessageEntity["type"] | "link";
  offset: number;
  /** Where its markup starts in the input, for the error Telegram gives when it is never closed. */
  at: number;
}

export function parseMarkdown(
  input: string,
  version: "v2" | "legacy",
): { text: string; entities: MessageEntity[] } {
  const toggles = version === "v2" ? TOGGLES_V2 : TOGGLES_LEGACY;
  const byteOffset = (index: number) => Buffer.byteLength(input.slice(0, index));
  const fail = (detail: string) => badRequest(`can't parse entities: ${detail}`);
  const unterminated = (at: number) =>
    fail(`Can't find end of the entity starting at byte offset ${byteOffset(at)}`);
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let text = "";
  let index = 0;

  /** Reads up to the closing `end`, taking '\'-escapes, as code, pre and link URLs are read. */
  const readUntil = (end: string, from: number): [string, number] => {
    let content = "";
    for (let at = from; at < input.length; at += 1) {
      if (input.startsWith(end, at)) return [content, at + end.length];
      if (input[at] === "\\" && at + 1 < input.length) at += 1;
      content += input[at];
    }
    throw unterminated(from - 1);
  };

  while (index < input.length) {
    const char = input[index] ?? "";
    if (char === "\\" && index + 1 < input.length) {
      text += input[index + 1];
      index += 2;
    } else if (input.startsWith("```", index)) {
      const [content, next] = readUntil("```", index + 3);
      const newline = content.indexOf("\n");
      const language = newline > 0 ? content.slice(0, newline) : "";
      const body = newline >= 0 ? content.slice(newline + 1) : content;
      entities.push({ type: "pre", offset: text.length, length: body.length, ...(language && { language }) });
      text += body;
      index = next;
    } else if (char === "`") {
      const [content, next] = readUntil("`", index + 1);
      entities.push({ type: "code", offset: text.length, length: content.length });
      text += content;
      index = next;
    } else if (char === "[") {
      stack.push({ type: "link", offset: text.length, at: index });
      index += 1;
    } else if (char === "]" && stack.at(-1)?.type === "link" && input[index + 1] === "(") {
      const open = stack.pop() as Open;
      const [url, next] = readUntil(")", index + 2);
      entities.push({ type: "text_link", offset: open.offset, length: text.length - open.offset, url });
      index = next;
    } else {
      const mark = [input.slice(index, index + 2), char].find((candidate) => candidate in toggles);
      if (mark) {
        toggle(toggles[mark] as MessageEntity["type"], index);
        index += mark.length;
      } else if (version === "v2" && RESERVED_V2.has(char)) {
        throw fail(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
      } else {
        text += char;
        index += 1;
      }
    }
  }
  const unclosed = stack.pop();
  if (unclosed) throw unterminated(unclosed.at);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities: entities.filter((entity) => entity.length > 0) };

  function toggle(type: MessageEntity["type"], at: number): void {
    const top = stack.at(-1);
    if (top?.type === type) {
      stack.pop();
      entities.push({ type, offset: top.offset, length: text.length - top.offset } as MessageEntity);
    } else if (stack.some((open) => open.type === type)) {
      throw unterminated(stack.find((open) => open.type === type)?.at ?? at);
    } else {
      stack.push({ type, offset: text.length, at });
    }
  }
}
