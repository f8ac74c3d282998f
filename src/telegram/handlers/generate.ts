/** Prompts: `/generate <prompt>` (plain text goes the same way, see fallback.ts), "Again" and "Vary". */
import { Composer } from "grammy";
import type { BotContext, BotParts } from "../bot-context.ts";
import type { GenerationRequest } from "../job-requests.ts";
import { buttonPressed } from "./buttons.ts";

/** The user's prompt with their model and settings. */
export function generationOf(parts: BotParts, ctx: BotContext, prompt: string): GenerationRequest {
  const { user } = ctx.account;
  return {
    model: user.model ?? parts.models[0] ?? "sim/image",
    prompt,
    aspectRatio: user.aspectRatio,
    numOutputs: user.numOutputs,
  };
}

export async function generateFromText(parts: BotParts, ctx: BotContext, text: string): Promise<void> {
  const prompt = text.trim();
  if (!prompt) {
    await ctx.reply(ctx.t.emptyPrompt);
    return;
  }
  await parts.starter.generate(ctx, generationOf(parts, ctx, prompt));
}

export function generateHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("generate", (ctx) => generateFromText(parts, ctx, String(ctx.match ?? "")));

  buttonPressed(composer, parts, ["again", "vary"], async (ctx, button, job) => {
    if (job.kind !== "generate") return;
    const asked = job.request as unknown as GenerationRequest;
    const { seed: _previous, ...rest } = asked;
    const seed = button.action === "again" ? (job.seed ?? asked.seed) : undefined;
    await parts.starter.generate(ctx, { ...rest, ...(seed !== undefined && { seed }) });
  });

  return composer;
}
