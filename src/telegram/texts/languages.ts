/** Picks the bot's language from the user's Telegram language: English, Ukrainian or Russian. */
import { en, type Texts } from "./en.ts";
import { ru } from "./ru.ts";
import { uk } from "./uk.ts";

const TEXTS = { en, uk, ru } as const;

export type Language = keyof typeof TEXTS;

export const LANGUAGES = Object.keys(TEXTS) as Language[];

/** `uk-UA` → `uk`; anything else than Ukrainian or Russian → English. */
export function languageOf(languageCode: string | undefined): Language {
  const base = (languageCode ?? "").toLowerCase().split("-")[0];
  return base === "uk" || base === "ru" ? base : "en";
}

export function textsOf(language: string): Texts {
  return TEXTS[languageOf(language)];
}
