/**
 * Training a personal LoRA: photos (one by one or as albums) are collected into a draft, `/train
 * <name>` or the "Train" button starts it, `/loras` lists the user's LoRAs, "Try it" uses one.
 */
import { Composer } from "grammy";
import type { BotContext, BotParts } from "../bot-context.ts";
import { callbackData } from "../callback-data.ts";
import { trainKeyboard } from "../result-keyboards.ts";
import { DOWNLOAD_LIMIT_BYTES, imageOf } from "../telegram-files.ts";
import { buttonPressed, settingPressed } from "./buttons.ts";
import { generationOf } from "./generate.ts";

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** A name for a LoRA started with the button: the user's first name in plain letters, else "me". */
function nameFromFirstName(firstName: string): string {
  const plain = firstName
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30);
  return NAME.test(plain) ? plain : "me";
}

async function freeName(ctx: BotContext, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!(await ctx.account.client.findLora(name))) return name;
  }
}

async function collectPhoto(parts: BotParts, ctx: BotContext): Promise<void> {
  const message = ctx.msg;
  const found = imageOf(message);
  if (!message || !found) return;
  if ("refusal" in found) {
    await ctx.reply(
      found.refusal === "too_big" ? ctx.t.photoTooBig(DOWNLOAD_LIMIT_BYTES / 2 ** 20) : ctx.t.notAnImage,
    );
    return;
  }
  const { userId } = ctx.account.user;
  await parts.repos.users.addDraftPhoto(userId, found.image.fileUniqueId, found.image.fileId);
  parts.quietTimers.after(userId, async () => {
    const count = (await parts.repos.users.draftPhotos(userId)).length;
    if (count > 0)
      await parts.sender.to(userId, (api) =>
        api.sendMessage(message.chat.id, ctx.t.draft(count), { reply_markup: trainKeyboard(ctx.t) }),
      );
  });
}

/** Checks the draft and the name, then starts the LoRA; each refusal is said and spends nothing. */
async function startTraining(parts: BotParts, ctx: BotContext, name: string): Promise<void> {
  const { user, client } = ctx.account;
  const photos = await parts.repos.users.draftPhotos(user.userId);
  const limits = await client.photoLimits();
  if (photos.length < limits.min_photos) {
    await ctx.reply(ctx.t.trainNeedPhotos(photos.length, limits.min_photos));
    return;
  }
  if (photos.length > limits.max_photos) {
    await ctx.reply(ctx.t.trainTooManyPhotos(photos.length, limits.max_photos));
    return;
  }
  if (await client.findLora(name)) {
    await ctx.reply(ctx.t.trainNameTaken(name));
    return;
  }
  const files = [];
  for (const [index, fileId] of photos.entries()) {
    const data = await parts.files.download(fileId).catch(() => undefined);
    if (!data) {
      await ctx.reply(ctx.t.trainPhotoUnreadable);
      return;
    }
    files.push({ name: `photo-${index + 1}.jpg`, data });
  }
  await parts.repos.users.clearDraft(user.userId);
  await parts.starter.train(ctx, name, files);
}

export function trainingHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on(["message:photo", "message:document"], (ctx) => collectPhoto(parts, ctx));

  composer.command("train", async (ctx) => {
    const name = String(ctx.match ?? "")
      .trim()
      .toLowerCase();
    if (!NAME.test(name)) {
      await ctx.reply(ctx.t.trainUsage);
      return;
    }
    await startTraining(parts, ctx, name);
  });

  settingPressed(composer, ["train"], async (ctx) => {
    await startTraining(parts, ctx, await freeName(ctx, nameFromFirstName(ctx.account.user.firstName)));
  });

  composer.command("loras", async (ctx) => {
    const loras = await ctx.account.client.listLoras();
    if (loras.length === 0) {
      await ctx.reply(ctx.t.noLoras);
      return;
    }
    const text = [ctx.t.lorasHeader, ...loras.map((lora) => ctx.t.loraLine(lora.name, lora.status))].join(
      "\n",
    );
    const rows = loras
      .filter((lora) => lora.status === "ready")
      .map((lora) => [
        {
          text: `${ctx.t.buttons.use} ${lora.name}`,
          callback_data: callbackData({ action: "model", model: lora.model }),
        },
      ]);
    await ctx.reply(text, { reply_markup: { inline_keyboard: rows } });
  });

  buttonPressed(composer, parts, ["try"], async (ctx, _button, job) => {
    if (job.kind !== "train") return;
    const lora = await ctx.account.client.findLora(job.workId);
    if (lora?.status !== "ready") return;
    await parts.repos.users.update(ctx.account.user.userId, { model: lora.model });
    ctx.account.user.model = lora.model;
    const prompt = lora.samples[0]?.prompt ?? `a portrait photo of ${lora.trigger_word}`;
    await parts.starter.generate(ctx, generationOf(parts, ctx, prompt));
  });

  return composer;
}
