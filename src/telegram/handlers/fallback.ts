/** What no other handler took: plain text is a prompt, an unknown command gets a pointer to /help. */
import { Composer } from "grammy";
import type { BotContext, BotParts } from "../bot-context.ts";
import { generateFromText } from "./generate.ts";

export function fallbackHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on("message:text", async (ctx) => {
    const command = /^\/([^\s@]+)/.exec(ctx.msg.text)?.[1];
    if (command !== undefined) {
      await ctx.reply(ctx.t.unknownCommand(command));
      return;
    }
    await generateFromText(parts, ctx, ctx.msg.text);
  });

  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery());

  return composer;
}
