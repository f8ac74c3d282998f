/**
 * Image tools: a photo with the caption `/removebg`, `/upscale`, `/restore` or `/colorize`, that
 * command as a reply to a photo, or the "Upscale" and "Remove background" buttons under a result.
 */
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext, BotParts } from "../bot-context.ts";
import { outputUrls } from "../job-delivery.ts";
import { isToolName, TOOLS, type ToolName } from "../job-requests.ts";
import { DOWNLOAD_LIMIT_BYTES, imageOf } from "../telegram-files.ts";
import { buttonPressed } from "./buttons.ts";

/** The command a caption starts with (`/upscale`, `/upscale@bot`), lower-cased. */
export function captionCommand(message: Message | undefined): string | undefined {
  return /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(message?.caption ?? "")?.[1]?.toLowerCase();
}

async function runOnMessageImage(
  parts: BotParts,
  ctx: BotContext,
  tool: ToolName,
  message: Message | undefined,
) {
  const found = imageOf(message);
  if (!found) {
    await ctx.reply(ctx.t.toolNeedsPhoto(tool));
    return;
  }
  if ("refusal" in found) {
    await ctx.reply(
      found.refusal === "too_big" ? ctx.t.photoTooBig(DOWNLOAD_LIMIT_BYTES / 2 ** 20) : ctx.t.notAnImage,
    );
    return;
  }
  const data = await parts.files.download(found.image.fileId);
  const type = message?.document?.mime_type ?? "image/jpeg";
  const url = await ctx.account.client.uploadFile(data, "photo", type);
  await parts.starter.tool(ctx, tool, url);
}

export function toolHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on(["message:photo", "message:document"], async (ctx, next) => {
    const command = captionCommand(ctx.msg);
    if (command === undefined || !isToolName(command)) return next();
    await runOnMessageImage(parts, ctx, command, ctx.msg);
  });

  composer.command(Object.keys(TOOLS), async (ctx) => {
    const tool = ctx.msg.text.slice(1).split(/[@\s]/)[0]?.toLowerCase() ?? "";
    if (!isToolName(tool)) return;
    await runOnMessageImage(parts, ctx, tool, ctx.msg.reply_to_message);
  });

  buttonPressed(composer, parts, ["upscale", "removebg"], async (ctx, button, job) => {
    if (button.action !== "upscale" && button.action !== "removebg") return;
    const { client } = ctx.account;
    const url = outputUrls((await client.getPrediction(job.workId)).output)[button.index];
    if (url === undefined) return;
    const { data, type } = await client.download(url);
    await parts.starter.tool(ctx, button.action, await client.uploadFile(data, "result", type));
  });

  return composer;
}
