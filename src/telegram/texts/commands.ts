/** The command list shown in Telegram's menu (`setMyCommands`), per language. */
import type { BotCommand } from "grammy/types";
import { type Language, textsOf } from "./languages.ts";

export function commandsOf(language: Language, withBuy: boolean): BotCommand[] {
  const { commands } = textsOf(language);
  return Object.entries(commands)
    .filter(([command]) => withBuy || command !== "buy")
    .map(([command, description]) => ({ command, description }));
}
