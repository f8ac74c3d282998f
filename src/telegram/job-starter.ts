/**
 * Starts the bot's jobs as the user: checks the user's daily images (then their bought ones),
 * sends the status message, creates the prediction or LoRA through the API, records the job and
 * has it followed. A refusal of the API (a budget or another limit) is said in plain words in the
 * chat and costs nothing: no image of the day, no credit.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { TelegramRepos } from "../store/index.ts";
import type { BotBudgets } from "./bot-budgets.ts";
import type { BotContext } from "./bot-context.ts";
import { ApiRefusal, type RefusedBy } from "./gengate-client.ts";
import { describeJob, type GenerationRequest, TOOLS, type ToolName } from "./job-requests.ts";
import type { JobWatcher } from "./job-watcher.ts";
import type { TelegramConfig } from "./telegram-config.ts";

export const MAX_PROMPT_LENGTH = 2000;

const DAY_MS = 86_400_000;

export const newJobId = () => randomBytes(6).toString("base64url");

export class JobStarter {
  readonly #repos: TelegramRepos;
  readonly #config: TelegramConfig;
  readonly #watcher: JobWatcher;
  readonly #budgets: BotBudgets;
  readonly #logger: Logger;

  constructor(deps: {
    repos: TelegramRepos;
    config: TelegramConfig;
    watcher: JobWatcher;
    budgets: BotBudgets;
    logger: Logger;
  }) {
    this.#repos = deps.repos;
    this.#config = deps.config;
    this.#watcher = deps.watcher;
    this.#budgets = deps.budgets;
    this.#logger = deps.logger;
  }

  async generate(ctx: BotContext, request: GenerationRequest): Promise<void> {
    if (request.prompt.length > MAX_PROMPT_LENGTH) {
      await ctx.reply(ctx.t.promptTooLong(MAX_PROMPT_LENGTH, request.prompt.length));
      return;
    }
    const input = {
      prompt: request.prompt,
      aspect_ratio: request.aspectRatio,
      num_outputs: request.numOutputs,
      ...(request.seed !== undefined && { seed: request.seed }),
    };
    await this.#prediction(ctx, "generate", request.model, input, { ...request }, request.numOutputs);
  }

  /** Runs an image tool on `image`, the user's own file URL. */
  async tool(ctx: BotContext, tool: ToolName, image: string): Promise<void> {
    await this.#prediction(ctx, "tool", TOOLS[tool], { image }, { tool }, 1);
  }

  /** Starts a LoRA from the photos; the draft is the caller's to clear. */
  async train(ctx: BotContext, name: string, photos: { name: string; data: Uint8Array }[]): Promise<void> {
    const request = { name };
    const status = await ctx.reply(ctx.t.trainStep(name, ctx.t.trainSteps.uploading));
    try {
      const lora = await ctx.account.client.createLora(name, photos);
      await this.#record(ctx, "train", lora.id, request, 0, status.message_id);
    } catch (error) {
      await this.#refused(ctx, status.message_id, error);
    }
  }

  async #prediction(
    ctx: BotContext,
    kind: "generate" | "tool",
    version: string,
    input: Record<string, unknown>,
    request: Record<string, unknown>,
    images: number,
  ): Promise<void> {
    const paidWith = await this.#reserve(ctx, images);
    if (paidWith === undefined) return;
    const status = await ctx.reply(ctx.t.queued(describeJob(ctx.t, { kind, request })));
    try {
      const prediction = await ctx.account.client.createPrediction(version, input);
      await this.#record(ctx, kind, prediction.id, request, images, status.message_id);
    } catch (error) {
      if (paidWith === "credits") await this.#repos.users.addCredits(ctx.account.user.userId, images);
      await this.#refused(ctx, status.message_id, error);
    }
  }

  async #record(
    ctx: BotContext,
    kind: "generate" | "tool" | "train",
    workId: string,
    request: Record<string, unknown>,
    images: number,
    statusMessageId: number,
  ): Promise<void> {
    const chatId = ctx.chat?.id ?? ctx.account.user.userId;
    const job = await this.#repos.jobs.create({
      id: newJobId(),
      userId: ctx.account.user.userId,
      chatId,
      kind,
      workId,
      request,
      images,
      statusMessageId,
    });
    this.#watcher.follow(job);
  }

  async #refused(ctx: BotContext, statusMessageId: number, error: unknown): Promise<void> {
    if (!(error instanceof ApiRefusal)) throw error;
    this.#logger.info(
      { status: error.status, detail: error.message, refusedBy: error.refusedBy },
      "gengate refused a telegram job",
    );
    const words =
      (error.refusedBy && (await this.#limitWords(ctx, error.refusedBy))) ?? ctx.t.error(error.message);
    await ctx.api.editMessageText(ctx.chat?.id ?? ctx.account.user.userId, statusMessageId, words);
  }

  /** The refusal of a limit in the user's words; undefined for one the bot has none for. */
  async #limitWords(ctx: BotContext, refusedBy: RefusedBy): Promise<string | undefined> {
    switch (refusedBy.limit) {
      case "budget": {
        const budget = await this.#budgets.budgetOf(refusedBy.scope, refusedBy.id);
        const whose = refusedBy.scope === "token" ? "user" : "bot";
        return budget && ctx.t.budgetSpent(whose, budget.period, budget.usd);
      }
      case "predictions_in_flight":
        return ctx.t.tooManyRunning;
      case "requests_per_minute":
        return ctx.t.tooManyRequests;
      case "models":
        return ctx.t.modelNotAllowed;
      default:
        return undefined;
    }
  }

  /** How the images are paid: the daily allowance, bought credits, or undefined (refused, and said so). */
  async #reserve(ctx: BotContext, images: number): Promise<"free" | "credits" | undefined> {
    const { userId } = ctx.account.user;
    if (this.#config.admins.has(userId)) return "free";
    const dayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const used = await this.#repos.jobs.imagesSince(userId, dayStart);
    if (used + images <= this.#config.dailyImages) return "free";
    if (await this.#repos.users.spendCredits(userId, images)) return "credits";
    await ctx.reply(ctx.t.dailyLimit(this.#config.dailyImages, this.#config.starsPacks.length > 0));
    return undefined;
  }
}
