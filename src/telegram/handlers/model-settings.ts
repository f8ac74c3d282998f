/** `/model` (the catalog's image models and the user's ready LoRAs) and `/settings` (aspect ratio, images). */
import { Composer } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { BotContext, BotParts } from "../bot-context.ts";
import { callbackData } from "../callback-data.ts";
import { settingPressed } from "./buttons.ts";

export const ASPECT_RATIOS = ["1:1", "4:3", "3:4", "16:9", "9:16"] as const;
export const IMAGE_COUNTS = [1, 2, 3, 4] as const;

const marked = (label: string, current: boolean) => (current ? `✓ ${label}` : label);

/** The models a user may pick: the bot's list, then their LoRAs that are ready. */
async function pickableModels(parts: BotParts, ctx: BotContext): Promise<string[]> {
  const loras = await ctx.account.client.listLoras();
  return [...parts.models, ...loras.filter((lora) => lora.status === "ready").map((lora) => lora.model)];
}

function settingsKeyboard(ctx: BotContext): InlineKeyboardMarkup {
  const { aspectRatio, numOutputs } = ctx.account.user;
  const ratio = (r: string): InlineKeyboardButton => ({
    text: marked(r, r === aspectRatio),
    callback_data: callbackData({ action: "aspect", ratio: r }),
  });
  const count = (n: number): InlineKeyboardButton => ({
    text: marked(String(n), n === numOutputs),
    callback_data: callbackData({ action: "count", count: n }),
  });
  return { inline_keyboard: [ASPECT_RATIOS.map(ratio), IMAGE_COUNTS.map(count)] };
}

export function modelSettingsHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const currentModel = (ctx: BotContext) => ctx.account.user.model ?? parts.models[0];

  composer.command("model", async (ctx) => {
    const models = await pickableModels(parts, ctx);
    const rows = models.map((model): InlineKeyboardButton[] => [
      {
        text: marked(model, model === currentModel(ctx)),
        callback_data: callbackData({ action: "model", model }),
      },
    ]);
    await ctx.reply(ctx.t.chooseModel, { reply_markup: { inline_keyboard: rows } });
  });

  composer.command("settings", async (ctx) => {
    const { aspectRatio, numOutputs } = ctx.account.user;
    await ctx.reply(ctx.t.settings(aspectRatio, numOutputs), { reply_markup: settingsKeyboard(ctx) });
  });

  settingPressed(composer, ["model", "aspect", "count"], async (ctx, button) => {
    const { userId } = ctx.account.user;
    if (button.action === "model") {
      if (!(await pickableModels(parts, ctx)).includes(button.model)) {
        await ctx.editMessageText(ctx.t.unknownModel);
        return;
      }
      await parts.repos.users.update(userId, { model: button.model });
      await ctx.editMessageText(ctx.t.modelChosen(button.model));
      return;
    }
    const user = ctx.account.user;
    if (button.action === "aspect" && (ASPECT_RATIOS as readonly string[]).includes(button.ratio)) {
      user.aspectRatio = button.ratio;
    } else if (button.action === "count" && (IMAGE_COUNTS as readonly number[]).includes(button.count)) {
      user.numOutputs = button.count;
    } else {
      return;
    }
    await parts.repos.users.update(userId, { aspectRatio: user.aspectRatio, numOutputs: user.numOutputs });
    await ctx.editMessageText(ctx.t.settings(user.aspectRatio, user.numOutputs), {
      reply_markup: settingsKeyboard(ctx),
    });
  });

  return composer;
}
