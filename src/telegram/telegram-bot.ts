/**
 * The Telegram bot inside gengate: updates arrive by long polling (the default) or at
 * `POST /hooks/telegram` (`TELEGRAM_WEBHOOK=1`), are stored, then handled; its jobs run in the
 * engine through the public API with the user's own token and are delivered when they end.
 */
import { setTimeout as delay } from "node:timers/promises";
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, webhookCallback } from "grammy";
import type { Context as HonoContext } from "hono";
import type { Logger } from "pino";
import type { ApiFetch } from "../api/api-fetch.ts";
import { newSecret } from "../core/ids.ts";
import type { TelegramRepos } from "../store/index.ts";
import { installHandlers } from "./bot.ts";
import { BotBudgets, type BotLedger, type BotTenants, type TenantTokens } from "./bot-budgets.ts";
import type { BotContext } from "./bot-context.ts";
import { ChatSender } from "./chat-sender.ts";
import { Inbox } from "./inbox.ts";
import { JobDelivery } from "./job-delivery.ts";
import { JobStarter } from "./job-starter.ts";
import { JobWatcher } from "./job-watcher.ts";
import { QuietTimers } from "./quiet-timers.ts";
import type { TelegramConfig } from "./telegram-config.ts";
import { TelegramFiles } from "./telegram-files.ts";
import { commandsOf } from "./texts/commands.ts";
import { type SecretStore, UserAccounts } from "./user-accounts.ts";

export const WEBHOOK_PATH = "/hooks/telegram";
const DEFAULT_API_ROOT = "https://api.telegram.org";
const ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query"] as const;
const RESTART_POLLING_MS = 5000;
/** An album's photos arrive as separate updates within a moment of each other. */
const ALBUM_QUIET_MS = 800;

export interface TelegramBotDeps {
  config: TelegramConfig;
  /** The public API, called in-process. */
  api: ApiFetch;
  repos: TelegramRepos;
  tokens: TenantTokens;
  /** The tenant `telegram` all the bot's users' tokens belong to. */
  tenants: BotTenants;
  /** Budgets' counters and the spend ledger. */
  ledger: BotLedger;
  secrets: SecretStore;
  publicUrl: string | undefined;
  /** The models `/model` offers, the first being a new user's. */
  models: readonly string[];
  /** No other process handles this database's updates (SQLite): claims left by a crash are taken back at once. */
  claimsAreOurs: boolean;
  logger: Logger;
  /** How often a training is read (1 s). */
  loraPollMs?: number;
  /** How long the photos of an album are waited for before the draft is counted (0.8 s). */
  albumQuietMs?: number;
  /**
   * Runs `lead` in one process at a time and moves it to another when that one dies (Telegram
   * refuses a second long poll); by default in this process.
   */
  oneAtATime?: (name: string, lead: (signal: AbortSignal) => Promise<void>) => { stop(): Promise<void> };
  /** How long one long poll is held (30 s). */
  pollTimeoutSeconds?: number;
}

export class TelegramBot {
  readonly #deps: TelegramBotDeps;
  readonly #bot: Bot<BotContext>;
  readonly #intake: Bot;
  readonly #inbox: Inbox;
  readonly #watcher: JobWatcher;
  readonly #quietTimers: QuietTimers;
  readonly #budgets: BotBudgets;
  readonly #stop = new AbortController();
  #webhook: ((c: HonoContext) => Promise<Response>) | undefined;
  #polling: { stop(): Promise<void> } | undefined;
  /** Settles once the bot knows itself and has started receiving. */
  readonly ready: Promise<void>;
  #running: Promise<void> = Promise.resolve();

  constructor(deps: TelegramBotDeps) {
    this.#deps = deps;
    const { config, repos, logger } = deps;
    const apiRoot = config.apiRoot ?? DEFAULT_API_ROOT;
    const client = { apiRoot };
    this.#bot = new Bot<BotContext>(config.token, { client });
    this.#intake = new Bot(config.token, { client });
    for (const bot of [this.#bot, this.#intake]) {
      bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120 }));
    }
    this.#intake.use((ctx) => this.#inbox.accept(ctx.update));

    const budgets = new BotBudgets({
      config,
      tokens: deps.tokens,
      tenants: deps.tenants,
      ledger: deps.ledger,
    });
    this.#budgets = budgets;
    const accounts = new UserAccounts({
      tokens: deps.tokens,
      users: repos.users,
      secrets: deps.secrets,
      api: deps.api,
      budgets,
    });
    const sender = new ChatSender(this.#bot.api, repos.users, logger);
    this.#watcher = new JobWatcher({
      jobs: repos.jobs,
      accounts,
      delivery: new JobDelivery(repos.jobs, sender, logger),
      sender,
      logger,
      loraPollMs: deps.loraPollMs ?? 1000,
    });
    this.#quietTimers = new QuietTimers(deps.albumQuietMs ?? ALBUM_QUIET_MS, (error) =>
      logger.error({ err: error }, "a delayed telegram answer failed"),
    );
    const starter = new JobStarter({ repos, config, watcher: this.#watcher, budgets, logger });
    const files = new TelegramFiles(this.#bot.api, apiRoot, config.token);
    installHandlers(this.#bot, accounts, {
      config,
      repos,
      starter,
      budgets,
      watcher: this.#watcher,
      files,
      sender,
      quietTimers: this.#quietTimers,
      models: deps.models,
      logger,
    });
    this.#inbox = new Inbox(repos.inbox, (update) => this.#bot.handleUpdate(update), logger);
    let started: () => void = () => undefined;
    this.ready = new Promise((resolve) => {
      started = resolve;
    });
    this.#running = this.#start().then(started, (error: unknown) => {
      if (!this.#stop.signal.aborted) logger.error({ err: error }, "the telegram bot could not start");
    });
  }

  /** The handler of `POST /hooks/telegram`: checks Telegram's secret header and stores the update. */
  async handleWebhook(c: HonoContext): Promise<Response> {
    if (!this.#webhook) return c.json({ detail: "the bot is starting; Telegram will deliver again" }, 503);
    return this.#webhook(c);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
    await this.#polling?.stop();
    this.#quietTimers.stop();
    await Promise.all([this.#inbox.stop(), this.#watcher.stop()]);
  }

  async #start(): Promise<void> {
    const { config, logger } = this.#deps;
    await this.#initWithRetries();
    // The tenant and its budget are set at start, not at the first user's first message.
    await this.#budgets.tenant();
    this.#intake.botInfo = this.#bot.botInfo;
    await this.#registerCommands();
    this.#inbox.start(this.#deps.claimsAreOurs);
    this.#watcher.start();
    if (config.webhook) {
      const secretToken = await this.#deps.secrets.getOrCreate("telegram_webhook_secret", () =>
        newSecret("", 32),
      );
      this.#webhook = webhookCallback(this.#intake, "hono", { secretToken });
      await this.#bot.api.setWebhook(`${this.#deps.publicUrl}${WEBHOOK_PATH}`, {
        secret_token: secretToken,
        allowed_updates: ALLOWED_UPDATES,
      });
      logger.info({ bot: this.#bot.botInfo.username, mode: "webhook" }, "the telegram bot is on");
    } else {
      const oneAtATime = this.#deps.oneAtATime ?? inThisProcess;
      this.#polling = oneAtATime("telegram-polling", (signal) => this.#poll(signal));
      logger.info({ bot: this.#bot.botInfo.username, mode: "long polling" }, "the telegram bot is on");
    }
  }

  /** `getMe`, again and again until Telegram answers (a start without network does not stop gengate). */
  async #initWithRetries(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#bot.init();
        return;
      } catch (error) {
        if (this.#stop.signal.aborted) throw error;
        this.#deps.logger.warn({ err: error, attempt }, "telegram getMe failed; trying again");
        await delay(Math.min(60_000, 1000 * 2 ** attempt), undefined, { signal: this.#stop.signal });
      }
    }
  }

  async #registerCommands(): Promise<void> {
    const withBuy = this.#deps.config.starsPacks.length > 0;
    await this.#bot.api.setMyCommands(commandsOf("en", withBuy));
    for (const language of ["uk", "ru"] as const) {
      await this.#bot.api.setMyCommands(commandsOf(language, withBuy), { language_code: language });
    }
  }

  /** Long polling while `signal` lets it, started again after a failure (a network error, another poller). */
  async #poll(signal: AbortSignal): Promise<void> {
    const stopPolling = () => {
      if (this.#intake.isRunning()) void this.#intake.stop();
    };
    signal.addEventListener("abort", stopPolling, { once: true });
    while (!signal.aborted) {
      try {
        await this.#intake.start({
          allowed_updates: ALLOWED_UPDATES,
          timeout: this.#deps.pollTimeoutSeconds ?? 30,
        });
      } catch (error) {
        if (signal.aborted) return;
        this.#deps.logger.error({ err: error }, "telegram long polling stopped; starting it again");
      }
      await delay(RESTART_POLLING_MS, undefined, { signal }).catch(() => undefined);
    }
  }
}

/** `lead` run here, until stopped. */
function inThisProcess(_name: string, lead: (signal: AbortSignal) => Promise<void>) {
  const stopping = new AbortController();
  const running = lead(stopping.signal);
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
