/** The buttons under results, in the user's language. */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { type ButtonAction, callbackData } from "./callback-data.ts";
import type { Texts } from "./texts/index.ts";

const button = (text: string, action: ButtonAction): InlineKeyboardButton => ({
  text,
  callback_data: callbackData(action),
});

/**
 * Under a generation: "Again" (same seed), "Vary" (a new one), and for each image "Upscale" and
 * "Remove background" (numbered when there are several). A tool's result gets only the tools.
 */
export function resultKeyboard(
  t: Texts,
  jobId: string,
  images: number,
  withRepeat: boolean,
): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  if (withRepeat) {
    rows.push([
      button(t.buttons.again, { action: "again", jobId }),
      button(t.buttons.vary, { action: "vary", jobId }),
    ]);
  }
  if (images === 1) {
    rows.push([
      button(t.buttons.upscale, { action: "upscale", jobId, index: 0 }),
      button(t.buttons.removeBackground, { action: "removebg", jobId, index: 0 }),
    ]);
  } else {
    const numbered = (label: string, action: "upscale" | "removebg") =>
      Array.from({ length: images }, (_, index) => button(`${label} ${index + 1}`, { action, jobId, index }));
    rows.push(numbered("🔍", "upscale"), numbered("✂️", "removebg"));
  }
  return { inline_keyboard: rows };
}

export const tryItKeyboard = (t: Texts, jobId: string): InlineKeyboardMarkup => ({
  inline_keyboard: [[button(t.buttons.tryIt, { action: "try", jobId })]],
});

export const trainKeyboard = (t: Texts): InlineKeyboardMarkup => ({
  inline_keyboard: [[button(t.buttons.train, { action: "train" })]],
});
