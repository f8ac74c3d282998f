/** `/start` and `/help`: what the bot does, in the user's language. */
import { Composer } from "grammy";
import type { BotContext } from "../bot-context.ts";

export function helpHandlers(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command(["start", "help"], (ctx) => ctx.reply(ctx.t.help(ctx.account.user.firstName)));
  return composer;
}
