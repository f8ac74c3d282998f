/** Everything one fake Telegram holds, shared by the API methods and the test controls. */
import type { BotCommand, UserFromGetMe } from "grammy/types";
import type { CallLog } from "./call-log.ts";
import type { Changes } from "./changes.ts";
import type { Chats } from "./chats.ts";
import type { Faults } from "./faults.ts";
import type { FileStore } from "./file-store.ts";
import type { Params } from "./request-params.ts";
import type { UpdateQueue } from "./update-queue.ts";
import type { WebhookSender } from "./webhook-sender.ts";

export interface CallbackAnswer {
  callbackQueryId: string;
  text?: string;
  showAlert: boolean;
  url?: string;
  at: number;
}

export interface PreCheckoutAnswer {
  preCheckoutQueryId: string;
  ok: boolean;
  errorMessage?: string;
  at: number;
  /** Milliseconds between the query reaching the fake's queue and this answer (Telegram allows 10 s). */
  afterMs: number;
}

export interface Refund {
  userId: number;
  telegramPaymentChargeId: string;
  at: number;
}

export interface Charge {
  userId: number;
  totalAmount: number;
  refunded: boolean;
}

export interface FakeState {
  token: string;
  bot: UserFromGetMe;
  changes: Changes;
  calls: CallLog;
  chats: Chats;
  files: FileStore;
  updates: UpdateQueue;
  webhook: WebhookSender;
  faults: Faults;
  /** setMyCommands lists, by `${scope type}:${language_code}`. */
  commands: Map<string, BotCommand[]>;
  openCallbackQueries: Set<string>;
  openPreCheckouts: Map<string, number>;
  charges: Map<string, Charge>;
  callbackAnswers: CallbackAnswer[];
  preCheckoutAnswers: PreCheckoutAnswer[];
  refunds: Refund[];
}

export type MethodHandler = (state: FakeState, params: Params, signal: AbortSignal) => unknown;

export const commandsKey = (scopeType = "default", languageCode = "") => `${scopeType}:${languageCode}`;
