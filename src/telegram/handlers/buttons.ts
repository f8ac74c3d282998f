/** Button presses on a job's result: the press is answered at once, and only the job's owner may use it. */
import type { Composer } from "grammy";
import type { TelegramJob } from "../../store/index.ts";
import type { BotContext, BotParts } from "../bot-context.ts";
import { type ButtonAction, parseCallbackData } from "../callback-data.ts";

type JobAction = Extract<ButtonAction, { jobId: string }>;

export function buttonPressed(
  composer: Composer<BotContext>,
  parts: BotParts,
  actions: readonly JobAction["action"][],
  handle: (ctx: BotContext, button: JobAction, job: TelegramJob) => Promise<void>,
): void {
  composer.on("callback_query:data", async (ctx, next) => {
    const button = parseCallbackData(ctx.callbackQuery.data);
    if (!button || !("jobId" in button) || !actions.includes(button.action)) return next();
    await ctx.answerCallbackQuery();
    const job = await parts.repos.jobs.get(button.jobId);
    if (!job || job.userId !== ctx.account.user.userId) return;
    await handle(ctx, button, job);
  });
}

/** Presses of buttons that carry no job (model, settings, train, buy). */
export function settingPressed(
  composer: Composer<BotContext>,
  actions: readonly Exclude<ButtonAction, JobAction>["action"][],
  handle: (ctx: BotContext, button: Exclude<ButtonAction, JobAction>) => Promise<void>,
): void {
  composer.on("callback_query:data", async (ctx, next) => {
    const button = parseCallbackData(ctx.callbackQuery.data);
    if (!button || "jobId" in button || !actions.includes(button.action)) return next();
    await ctx.answerCallbackQuery();
    await handle(ctx, button);
  });
}
