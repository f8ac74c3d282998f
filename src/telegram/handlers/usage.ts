/** `/usage`, for the bot's admins: what the bot's users spent today and this month, and who spent most. */
import { Composer } from "grammy";
import { periodStart } from "../../core/limits.ts";
import type { BotBudgets, Spend } from "../bot-budgets.ts";
import { type BotContext, type BotParts, isAdmin } from "../bot-context.ts";
import type { Texts } from "../texts/index.ts";
import { userOfTokenName } from "../user-accounts.ts";

const TOP_USERS = 5;

export function usageHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("usage", async (ctx) => {
    if (!isAdmin(parts, ctx)) {
      await ctx.reply(ctx.t.adminOnly);
      return;
    }
    const now = Date.now();
    const today = await parts.budgets.spendSince(periodStart("day", now), now);
    const month = await parts.budgets.spendSince(periodStart("month", now), now);
    const sections = [
      await section(parts.budgets, ctx.t, "today", today),
      await section(parts.budgets, ctx.t, "month", month),
    ];
    await ctx.reply(sections.join("\n\n"));
  });
  return composer;
}

async function section(
  budgets: BotBudgets,
  t: Texts,
  span: "today" | "month",
  spend: Spend,
): Promise<string> {
  const top = await Promise.all(
    spend.byToken
      .slice(0, TOP_USERS)
      .map(async (row) => t.usageLine(userOfTokenName(await budgets.tokenName(row.tokenId)), row.usd)),
  );
  return [t.usageSpan(span, spend.usd, spend.runs), ...top].join("\n");
}
