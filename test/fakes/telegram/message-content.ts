/** The parts of a message a bot's call decides: its text or caption, keyboard and reply. */
import type { InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import { badRequest } from "./api-error.ts";
import type { MessageContent } from "./chats.ts";
import { parseHtml } from "./html-text.ts";
import { parseMarkdown } from "./markdown-text.ts";
import type { Params } from "./request-params.ts";
import type { FakeState } from "./state.ts";

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** `text` with `parse_mode` (HTML, MarkdownV2, Markdown) or `entities` applied. */
function formatted(
  raw: string,
  parseMode: string | undefined,
  entities: MessageEntity[] | undefined,
): { text: string; entities?: MessageEntity[] } {
  const mode = parseMode?.toLowerCase();
  if (mode === "html" || mode === "markdownv2" || mode === "markdown") {
    const parsed =
      mode === "html" ? parseHtml(raw) : parseMarkdown(raw, mode === "markdownv2" ? "v2" : "legacy");
    return { text: parsed.text, ...(parsed.entities.length > 0 && { entities: parsed.entities }) };
  }
  return { text: raw, ...(entities && entities.length > 0 && { entities }) };
}

export function textContent(params: Params): MessageContent {
  const raw = params.string("text") ?? "";
  const { text, entities } = formatted(raw, params.string("parse_mode"), params.json("entities"));
  if (text.trim() === "") throw badRequest("message text is empty");
  if (text.length > MAX_TEXT) throw badRequest("message is too long");
  return { text, ...(entities && { entities }) };
}

/** A caption given as `caption`/`parse_mode`/`caption_entities` (or an InputMedia item's fields). */
export function captionContent(
  caption: string | undefined,
  parseMode: string | undefined,
  entities: MessageEntity[] | undefined,
): MessageContent {
  if (!caption) return {};
  const { text, entities: parsed } = formatted(caption, parseMode, entities);
  if (text.length > MAX_CAPTION) throw badRequest("message caption is too long");
  return { caption: text, ...(parsed && { caption_entities: parsed }) };
}

/** An inline keyboard is kept on the message; other keyboards are not part of it. */
export function keyboardContent(params: Params): MessageContent {
  const markup = params.json<Partial<InlineKeyboardMarkup>>("reply_markup");
  if (!markup?.inline_keyboard) return {};
  if (!Array.isArray(markup.inline_keyboard) || !markup.inline_keyboard.every(Array.isArray))
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  for (const button of markup.inline_keyboard.flat()) checkButton(button);
  // an empty keyboard takes the old one away: Telegram shows no reply_markup then
  const rows = markup.inline_keyboard.filter((row) => row.length > 0);
  return rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {};
}

function checkButton(button: InlineKeyboardButton): void {
  if (typeof button?.text !== "string")
    throw badRequest("can't parse inline keyboard button: Text must be a String");
  if ("callback_data" in button) {
    const bytes = Buffer.byteLength(button.callback_data);
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
}

/** `reply_parameters` (or the older `reply_to_message_id`) as the message it answers. */
export function replyContent(state: FakeState, chatId: number, params: Params): MessageContent {
  const replyTo =
    params.json<{ message_id?: number }>("reply_parameters")?.message_id ?? params.int("reply_to_message_id");
  if (replyTo === undefined) return {};
  const entry = state.chats.find(chatId, Number(replyTo));
  if (!entry) throw badRequest("message to be replied not found");
  const { reply_to_message: _nested, ...original } = entry.message;
  return { reply_to_message: original };
}
