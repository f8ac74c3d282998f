/** What every handler of the bot gets: the grammY context, the user's account and words, the bot's parts. */
import type { Context } from "grammy";
import type { Logger } from "pino";
import type { TelegramRepos } from "../store/index.ts";
import type { BotBudgets } from "./bot-budgets.ts";
import type { ChatSender } from "./chat-sender.ts";
import type { JobStarter } from "./job-starter.ts";
import type { JobWatcher } from "./job-watcher.ts";
import type { QuietTimers } from "./quiet-timers.ts";
import type { TelegramConfig } from "./telegram-config.ts";
import type { TelegramFiles } from "./telegram-files.ts";
import type { Texts } from "./texts/index.ts";
import type { Account } from "./user-accounts.ts";

export type BotContext = Context & { account: Account; t: Texts };

export interface BotParts {
  config: TelegramConfig;
  repos: TelegramRepos;
  starter: JobStarter;
  budgets: BotBudgets;
  watcher: JobWatcher;
  files: TelegramFiles;
  sender: ChatSender;
  /** Answers that wait until the user stops sending photos for a moment. */
  quietTimers: QuietTimers;
  /** The models `/model` offers, the first being a new user's. */
  models: readonly string[];
  logger: Logger;
}

export const isAdmin = (parts: BotParts, ctx: BotContext) => parts.config.admins.has(ctx.account.user.userId);
