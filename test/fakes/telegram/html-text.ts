/**
 * `parse_mode: "HTML"` as Telegram reads it: the tags it supports become entities over the plain
 * text (offsets in UTF-16 code units), anything else is refused with "can't parse entities".
 */
import type { MessageEntity } from "grammy/types";
import { badRequest } from "./api-error.ts";

const SIMPLE: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  code: "code",
  pre: "pre",
  "tg-spoiler": "spoiler",
  blockquote: "blockquote",
};

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const TOKEN = /<(\/?)([a-zA-Z-]+)([^>]*)>|&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/g;

interface Open {
  tag: string;
  attributes: string;
  offset: number;
  /** For <pre>: the language its <code class="language-…"> names. */
  language?: string;
}

export function parseHtml(html: string): { text: string; entities: MessageEntity[] } {
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let text = "";
  let last = 0;
  for (const match of html.matchAll(TOKEN)) {
    text += html.slice(last, match.index);
    last = match.index + match[0].length;
    const [, closing, rawTag, attributes = "", character] = match;
    if (character) {
      text +=
        NAMED[character] ??
        String.fromCodePoint(
          Number(character.startsWith("#x") ? `0x${character.slice(2)}` : character.slice(1)),
        );
      continue;
    }
    const tag = (rawTag ?? "").toLowerCase();
    if (!closing) {
      if (!(tag in SIMPLE) && tag !== "a" && tag !== "span")
        throw badRequest(
          `can't parse entities: Unsupported start tag "${tag}" at byte offset ${match.index}`,
        );
      stack.push({ tag, attributes, offset: text.length });
      continue;
    }
    const open = stack.pop();
    if (open?.tag !== tag)
      throw badRequest(
        `can't parse entities: Unmatched end tag at byte offset ${match.index}, expected "</${open?.tag ?? ""}>", found "</${tag}>"`,
      );
    const entity = toEntity(open, text.length - open.offset, stack);
    if (entity && entity.length > 0) entities.push(entity);
  }
  text += html.slice(last);
  const unclosed = stack.pop();
  if (unclosed)
    throw badRequest(`can't parse entities: Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function toEntity(open: Open, length: number, outer: Open[]): MessageEntity | undefined {
  const attribute = (name: string) => new RegExp(`${name}\\s*=\\s*"([^"]*)"`).exec(open.attributes)?.[1];
  const base = { offset: open.offset, length };
  if (open.tag === "a") {
    const url = attribute("href");
    if (!url) return undefined;
    return { ...base, type: "text_link", url };
  }
  if (open.tag === "span")
    return attribute("class") === "tg-spoiler" ? { ...base, type: "spoiler" } : undefined;
  const pre = outer.at(-1);
  if (open.tag === "code" && pre?.tag === "pre") {
    const language = /language-(\S+)/.exec(attribute("class") ?? "")?.[1];
    if (language) pre.language = language;
    return undefined;
  }
  if (open.tag === "pre") return { ...base, type: "pre", ...(open.language && { language: open.language }) };
  if (open.tag === "blockquote" && /\bexpandable\b/.test(open.attributes))
    return { ...base, type: "expandable_blockquote" };
  return { ...base, type: SIMPLE[open.tag] } as MessageEntity;
}
