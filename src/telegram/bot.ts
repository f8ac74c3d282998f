/** The grammY bot: who may use it, the user's account and language, then each group of handlers. */
import type { Bot } from "grammy";
import type { BotContext, BotParts } from "./bot-context.ts";
import { fallbackHandlers } from "./handlers/fallback.ts";
import { generateHandlers } from "./handlers/generate.ts";
import { helpHandlers } from "./handlers/help.ts";
import { jobHandlers } from "./handlers/jobs.ts";
import { modelSettingsHandlers } from "./handlers/model-settings.ts";
import { starsHandlers } from "./handlers/stars.ts";
import { toolHandlers } from "./handlers/tools.ts";
import { trainingHandlers } from "./handlers/training.ts";
import { usageHandlers } from "./handlers/usage.ts";
import { textsOf } from "./texts/index.ts";
import type { UserAccounts } from "./user-accounts.ts";

export function installHandlers(bot: Bot<BotContext>, accounts: UserAccounts, parts: BotParts): void {
  const { allowedUsers, admins } = parts.config;

  bot.use(async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    const t = textsOf(from.language_code ?? "en");
    if (allowedUsers.size > 0 && !allowedUsers.has(from.id) && !admins.has(from.id)) {
      if (ctx.preCheckoutQuery) await ctx.answerPreCheckoutQuery(false, { error_message: t.notAllowed });
      else if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t.notAllowed });
      else if (ctx.chat?.type === "private") await ctx.reply(t.notAllowed);
      return;
    }
    const account = await accounts.open(from);
    if (!account) {
      if (ctx.chat?.type === "private") await ctx.reply(t.accessRevoked);
      return;
    }
    ctx.account = account;
    ctx.t = textsOf(account.language);
    await next();
  });

  bot.use(
    starsHandlers(parts),
    usageHandlers(parts),
    toolHandlers(parts),
    trainingHandlers(parts),
    modelSettingsHandlers(parts),
    jobHandlers(parts),
    helpHandlers(),
    generateHandlers(parts),
    fallbackHandlers(parts),
  );

  bot.catch(async ({ ctx, error }) => {
    parts.logger.error({ err: error, update: ctx.update.update_id }, "the telegram bot failed on an update");
    if (ctx.chat?.type === "private" && ctx.t)
      await ctx.reply(ctx.t.error(ctx.t.somethingWrong)).catch(() => undefined);
  });
}
