/** `/status` (the user's running jobs) and `/cancel` (the training draft, else the latest job). */
import { Composer } from "grammy";
import type { BotContext, BotParts } from "../bot-context.ts";
import { describeJob } from "../job-requests.ts";

export function jobHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("status", async (ctx) => {
    const running = await parts.repos.jobs.running(ctx.account.user.userId);
    if (running.length === 0) {
      await ctx.reply(ctx.t.noJobs);
      return;
    }
    await ctx.reply(
      [ctx.t.jobsHeader, ...running.map((job) => ctx.t.jobLine(describeJob(ctx.t, job)))].join("\n"),
    );
  });

  composer.command("cancel", async (ctx) => {
    const { user, client } = ctx.account;
    const discarded = await parts.repos.users.clearDraft(user.userId);
    if (discarded > 0) {
      await ctx.reply(ctx.t.draftCanceled(discarded));
      return;
    }
    const [latest] = await parts.repos.jobs.running(user.userId);
    if (!latest) {
      await ctx.reply(ctx.t.nothingToCancel);
      return;
    }
    const status =
      latest.kind === "train"
        ? (await client.cancelLora(latest.workId)).status
        : (await client.cancelPrediction(latest.workId)).status;
    await ctx.reply(status === "canceled" ? ctx.t.canceled : ctx.t.nothingToCancel);
  });

  return composer;
}
