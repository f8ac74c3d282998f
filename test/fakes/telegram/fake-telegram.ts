/**
 * A protocol-faithful fake of the Telegram Bot API (reference C) for the bot's tests: grammY talks
 * to it through `client.apiRoot`, tests play the users through the controls below and read what the
 * bot did. Nothing here keeps the process alive after close().
 */
import type { BotCommand, UserFromGetMe } from "grammy/types";
import { createApiHandler, runWebhookReply } from "./api-router.ts";
import { botUser, randomToken } from "./bot-identity.ts";
import { type ApiCall, CallLog } from "./call-log.ts";
import { Changes } from "./changes.ts";
import { Chats, type TranscriptEntry } from "./chats.ts";
import { controlRoutes } from "./control-routes.ts";
import { type Fault, Faults } from "./faults.ts";
import { FileStore } from "./file-store.ts";
import { listenHttp } from "./http-server.ts";
import { paymentActions } from "./payment-actions.ts";
import { type RenderOptions, renderTranscriptHtml } from "./render-transcript.ts";
import {
  type CallbackAnswer,
  commandsKey,
  type FakeState,
  type PreCheckoutAnswer,
  type Refund,
} from "./state.ts";
import { UpdateQueue } from "./update-queue.ts";
import { userActions } from "./user-actions.ts";
import { type WebhookAttempt, WebhookSender, type WebhookTiming } from "./webhook-sender.ts";

export interface FakeTelegramOptions {
  /** `<bot id>:<secret>`; a new one by default. */
  token?: string;
  botUsername?: string;
  port?: number;
  /** Webhook retries: delay between attempts (200 ms) and attempts per update (5). */
  webhook?: Partial<WebhookTiming>;
}

export interface WaitOptions {
  timeout?: number;
  /** Named in the timeout error. */
  what?: string;
}

export type UserActions = ReturnType<typeof userActions> & ReturnType<typeof paymentActions>;

/** The fake: its address, the users' actions (sendText, sendPhoto, ...) and what tests read. */
export interface FakeTelegram extends UserActions {
  /** Give grammY `client: { apiRoot }`; files download from `${apiRoot}/file/bot${token}/…`. */
  apiRoot: string;
  token: string;
  /** What getMe answers; pass it as grammY's `botInfo` to skip the call. */
  bot: UserFromGetMe;
  /** The next `times` calls of `method` (any case) answer `fault` instead of running. */
  failNext(method: string, fault: Fault, times?: number): void;
  /** Every message of the chat in order, user's and bot's, in its current state. */
  transcript(chatId: number): TranscriptEntry[];
  /** The chat drawn as a Telegram-like HTML page (renderTranscriptHtml with this fake's files). */
  transcriptHtml(chatId: number, options?: RenderOptions): string;
  /** Every API call received (or those of one method, any case), in order. */
  calls(method?: string): ApiCall[];
  /** The bytes of a file the fake holds (a photo size, a document), or undefined. */
  fileBytes(fileId: string): Buffer | undefined;
  /** Resolves with the first truthy value of `probe`, re-checked whenever a call or message changes. */
  waitFor<T>(probe: () => T | undefined | null | false, options?: WaitOptions): Promise<T>;
  callbackAnswers(): CallbackAnswer[];
  preCheckoutAnswers(): PreCheckoutAnswer[];
  refunds(): Refund[];
  /** What setMyCommands set for that language and scope type (default scope, no language). */
  commands(languageCode?: string, scopeType?: string): BotCommand[];
  /** Every webhook POST, with the receiver's status. */
  webhookAttempts(): WebhookAttempt[];
  /** Updates queued and not yet confirmed (polling) or delivered (webhook). */
  pendingUpdates(): number;
  close(): Promise<void>;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? randomToken();
  const bot = botUser(token, options.botUsername ?? "gengate_test_bot");
  const changes = new Changes();
  const updates = new UpdateQueue();
  const state: FakeState = {
    token,
    bot,
    changes,
    calls: new CallLog(changes),
    // messages carry the bot as a plain User, without getMe's extra fields
    chats: new Chats({ id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username }, () =>
      changes.notify(),
    ),
    files: new FileStore(),
    updates,
    webhook: new WebhookSender(
      updates,
      { retryDelayMs: 200, maxAttempts: 5, ...options.webhook },
      changes,
      (body) => runWebhookReply(state, body),
    ),
    faults: new Faults(),
    commands: new Map(),
    openCallbackQueries: new Set(),
    openPreCheckouts: new Map(),
    charges: new Map(),
    callbackAnswers: [],
    preCheckoutAnswers: [],
    refunds: [],
  };
  const actions = { ...userActions(state), ...paymentActions(state) };
  const server = await listenHttp(createApiHandler(state, controlRoutes(state, actions)), options.port);

  return {
    apiRoot: server.url,
    token,
    bot,
    ...actions,

    failNext(method, fault, times = 1) {
      state.faults.failNext(method, fault, times);
    },

    transcript: (chatId) => state.chats.transcript(chatId),
    transcriptHtml: (chatId, render) =>
      renderTranscriptHtml(
        state.chats.transcript(chatId),
        (fileId) => state.files.get(fileId)?.bytes,
        render,
      ),
    calls: (method) => state.calls.list(method),
    fileBytes: (fileId) => state.files.get(fileId)?.bytes,
    waitFor: (probe, wait = {}) => changes.waitFor(probe, wait.timeout, wait.what),
    callbackAnswers: () => [...state.callbackAnswers],
    preCheckoutAnswers: () => [...state.preCheckoutAnswers],
    refunds: () => [...state.refunds],
    commands: (languageCode, scopeType) => state.commands.get(commandsKey(scopeType, languageCode)) ?? [],
    webhookAttempts: () => [...state.webhook.attempts],
    pendingUpdates: () => state.updates.pendingCount(),

    async close() {
      state.webhook.close();
      await server.close();
    },
  };
}
