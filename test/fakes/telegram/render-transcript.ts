/**
 * A chat transcript as a self-contained HTML page that looks like Telegram (light theme, 420 px
 * phone column): user bubbles right, bot bubbles left, photos inline as data URLs, albums as a
 * grid, documents as a file row, inline keyboards under their message. For README screenshots.
 */
import type { InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import type { TranscriptEntry } from "./chats.ts";
import { TRANSCRIPT_CSS } from "./transcript-styles.ts";

export interface RenderOptions {
  /** The chat's title in the header (the bot's name). */
  title?: string;
  /** Deleted messages are left out, as a Telegram client shows the chat; true shows them faded. */
  showDeleted?: boolean;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[character] ?? "",
  );

export function renderTranscriptHtml(
  transcript: TranscriptEntry[],
  fileBytes: (fileId: string) => Buffer | undefined,
  options: RenderOptions = {},
): string {
  const title = options.title ?? "gengate";
  const shown = transcript.filter((entry) => options.showDeleted || !entry.deleted);
  const rows: string[] = [];
  for (let index = 0; index < shown.length; index += 1) {
    const entry = shown[index] as TranscriptEntry;
    if (entry.mediaGroupId) {
      const album = [entry];
      while (shown[index + 1]?.mediaGroupId === entry.mediaGroupId)
        album.push(shown[++index] as TranscriptEntry);
      rows.push(renderAlbum(album, fileBytes));
    } else rows.push(renderEntry(entry, fileBytes));
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=420">
<title>${escapeHtml(title)} — Telegram</title><style>${TRANSCRIPT_CSS}</style></head>
<body><div class="phone">
<header class="header"><div class="avatar" aria-hidden="true">${escapeHtml(title.slice(0, 1).toUpperCase())}</div>
<div><div class="name">${escapeHtml(title)}</div><div class="status">bot</div></div></header>
<main class="chat">
${rows.join("\n")}
</main></div></body></html>
`;
}

function renderEntry(entry: TranscriptEntry, fileBytes: (fileId: string) => Buffer | undefined): string {
  if (entry.successfulPayment) {
    const { total_amount, invoice_payload } = entry.successfulPayment;
    return `<div class="service">You paid ⭐ ${total_amount} · ${escapeHtml(invoice_payload)}</div>`;
  }
  const deleted = entry.deleted ? " deleted" : "";
  const photo = entry.photo?.at(-1);
  if (photo) {
    const image = `<img class="photo" alt="photo ${photo.width}×${photo.height}" src="${dataUrl(fileBytes(photo.file_id))}">`;
    return bubble(entry, `bubble media${deleted}`, image + captionOf(entry));
  }
  const body = [quoteOf(entry)];
  if (entry.document) body.push(fileRow(entry.document.file_name ?? "file", entry.document.file_size));
  if (entry.invoice)
    body.push(
      `<div class="invoice"><div class="title">${escapeHtml(entry.invoice.title)}</div>` +
        `<div>${escapeHtml(entry.invoice.description)}</div>` +
        `<div class="price">${priceOf(entry.invoice.total_amount, entry.invoice.currency)}</div></div>`,
    );
  if (entry.text !== undefined) body.push(formatText(entry.text, entry.message.entities));
  if (entry.caption !== undefined) body.push(formatText(entry.caption, entry.message.caption_entities));
  return bubble(entry, `bubble${deleted}`, body.join(""));
}

/** Photos of an album share one bubble as a grid; a group of documents as stacked file rows. */
function renderAlbum(album: TranscriptEntry[], fileBytes: (fileId: string) => Buffer | undefined): string {
  const first = album[0] as TranscriptEntry;
  if (album.some((entry) => entry.document)) {
    const rows = album.map(
      (entry) => fileRow(entry.document?.file_name ?? "file", entry.document?.file_size) + captionOf(entry),
    );
    return bubble(first, "bubble", rows.join(""));
  }
  const images = album
    .map((entry) => entry.photo?.at(-1))
    .filter((photo) => photo !== undefined)
    .map(
      (photo) =>
        `<img alt="photo ${photo.width}×${photo.height}" src="${dataUrl(fileBytes(photo.file_id))}">`,
    );
  const captioned = album.find((entry) => entry.caption !== undefined);
  const caption = captioned ? captionOf(captioned) : "";
  return bubble(first, "bubble media", `<div class="album">${images.join("")}</div>${caption}`);
}

function bubble(entry: TranscriptEntry, className: string, content: string): string {
  const keyboard = entry.replyMarkup ? renderKeyboard(entry.replyMarkup) : "";
  return `<div class="row ${entry.sender}"><div class="${className}">${content}${meta(entry)}</div>${keyboard}</div>`;
}

function meta(entry: TranscriptEntry): string {
  const time = new Date(entry.date * 1000).toISOString().slice(11, 16);
  const marks = [entry.deleted ? "deleted" : "", entry.edits > 0 ? "edited" : "", time]
    .filter(Boolean)
    .join(" ");
  return `<span class="meta">${marks}${entry.sender === "user" ? " ✓✓" : ""}</span>`;
}

function captionOf(entry: TranscriptEntry): string {
  if (entry.caption === undefined) return "";
  return `<div class="caption">${formatText(entry.caption, entry.message.caption_entities)}</div>`;
}

function quoteOf(entry: TranscriptEntry): string {
  const replied = entry.message.reply_to_message;
  if (!replied) return "";
  const what = replied.text ?? replied.caption ?? (replied.photo ? "Photo" : "Message");
  const who = replied.from?.is_bot ? "Bot" : (replied.from?.first_name ?? "");
  return `<div class="quote"><b>${escapeHtml(who)}</b>${escapeHtml(what.split("\n")[0] ?? "")}</div>`;
}

function fileRow(name: string, size: number | undefined): string {
  const extension = /\.([A-Za-z0-9]{1,4})$/.exec(name)?.[1] ?? "file";
  return `<div class="file"><div class="icon">${escapeHtml(extension)}</div><div><div class="name">${escapeHtml(name)}</div><div class="size">${formatSize(size ?? 0)}</div></div></div>`;
}

const priceOf = (amount: number, currency: string) =>
  currency === "XTR" ? `⭐ ${amount}` : `${amount} ${escapeHtml(currency)}`;

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function renderKeyboard(markup: InlineKeyboardMarkup): string {
  const rows = markup.inline_keyboard.map(
    (row) =>
      `<div class="krow">${row.map((button) => `<span class="button">${escapeHtml(button.text)}</span>`).join("")}</div>`,
  );
  return `<div class="keyboard">${rows.join("")}</div>`;
}

function dataUrl(bytes: Buffer | undefined): string {
  return bytes ? `data:image/jpeg;base64,${bytes.toString("base64")}` : "";
}

const TAGS: Partial<Record<MessageEntity["type"], [string, string]>> = {
  bold: ["<b>", "</b>"],
  italic: ["<i>", "</i>"],
  underline: ["<u>", "</u>"],
  strikethrough: ["<s>", "</s>"],
  code: ["<code>", "</code>"],
  pre: ["<pre>", "</pre>"],
  spoiler: ['<span class="spoiler">', "</span>"],
  bot_command: ['<span class="command">', "</span>"],
  url: ['<span class="command">', "</span>"],
  mention: ['<span class="command">', "</span>"],
  blockquote: ['<span class="quote">', "</span>"],
};

/** Text with its entities as HTML (Telegram's entities nest properly, so tags close in order). */
function formatText(text: string, entities: MessageEntity[] = []): string {
  const opens = new Map<number, string[]>();
  const closes = new Map<number, string[]>();
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  for (const entity of sorted) {
    const tags: [string, string] | undefined =
      entity.type === "text_link" ? [`<a href="${escapeHtml(entity.url)}">`, "</a>"] : TAGS[entity.type];
    if (!tags) continue;
    opens.set(entity.offset, [...(opens.get(entity.offset) ?? []), tags[0]]);
    const end = entity.offset + entity.length;
    closes.set(end, [tags[1], ...(closes.get(end) ?? [])]);
  }
  let html = "";
  for (let index = 0; index <= text.length; index += 1) {
    html += (closes.get(index) ?? []).join("") + (opens.get(index) ?? []).join("");
    if (index < text.length) html += escapeHtml(text[index] ?? "");
  }
  return html;
}
