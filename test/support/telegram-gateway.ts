/**
 * A gengate with its Telegram bot on, talking to the fake Telegram, with the fake Replicate as
 * the cloud that draws and trains; and the waits the bot's tests share.
 */
import type { Message } from "grammy/types";
import type { Logger } from "pino";
import {
  type FakeReplicate,
  type FakeReplicateOptions,
  startFakeReplicate,
} from "../fakes/replicate/index.ts";
import {
  type FakeTelegram,
  type FakeUser,
  startFakeTelegram,
  type TranscriptEntry,
} from "../fakes/telegram/index.ts";
import { freePort } from "./free-port.ts";
import { startGateway, type TestGateway } from "./gateway.ts";

export interface TelegramSetup {
  telegram: FakeTelegram;
  replicate: FakeReplicate;
  gateway: TestGateway;
  close(): Promise<void>;
}

/** The gateway's environment for a bot on `telegram` drawing on `replicate` (local tools off: the cloud's run). */
export function botEnv(telegram: FakeTelegram, replicate: FakeReplicate): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    REPLICATE_API_TOKEN: replicate.token,
    REPLICATE_BASE_URL: replicate.url,
    LOCAL_TOOLS: "off",
  };
}

export type BotMode = "long polling" | "webhook";

/** The variables that put the bot in webhook mode on a gateway listening on `port`. */
export const webhookEnv = (port: number): Record<string, string> => ({
  TELEGRAM_WEBHOOK: "1",
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
});

export interface SetupOptions {
  env?: Record<string, string>;
  mode?: BotMode;
  /** Receives gengate's logs (silent by default). */
  logger?: Logger;
  /** How the fake Replicate behaves (by default: quick runs and trainings). */
  replicate?: FakeReplicateOptions;
}

export async function startTelegramSetup({
  env = {},
  mode = "long polling",
  logger,
  replicate: replicateOptions = { trainingMs: 300, latencyMs: { min: 20, max: 60 } },
}: SetupOptions = {}): Promise<TelegramSetup> {
  const telegram = await startFakeTelegram();
  const replicate = await startFakeReplicate(replicateOptions);
  const modeEnv = mode === "webhook" ? webhookEnv(await freePort()) : {};
  const gateway = await startGateway(
    { ...botEnv(telegram, replicate), ...modeEnv, ...env },
    undefined,
    logger,
  );
  await gateway.telegram?.ready;
  return {
    telegram,
    replicate,
    gateway,
    async close() {
      await gateway.close();
      await Promise.all([telegram.close(), replicate.close()]);
    },
  };
}

/** The bot's messages in the user's chat. */
export const botMessages = (telegram: FakeTelegram, user: FakeUser): TranscriptEntry[] =>
  telegram.transcript(user.id).filter((entry) => entry.sender === "bot" && !entry.deleted);

/** Waits for a bot message in the user's chat that `match` accepts, sent after `after` (a message id). */
export function botSays(
  telegram: FakeTelegram,
  user: FakeUser,
  match: (entry: TranscriptEntry) => boolean,
  what: string,
  after = 0,
): Promise<TranscriptEntry> {
  return telegram.waitFor(
    () => botMessages(telegram, user).find((entry) => entry.messageId > after && match(entry)),
    { timeout: 20_000, what },
  );
}

/** The text of a message, or its caption. */
export const wordsOf = (entry: TranscriptEntry): string => entry.text ?? entry.caption ?? "";

/** The callback data of the message's button whose label includes `label`. */
export function buttonData(entry: TranscriptEntry | Message, label: string): string {
  const keyboard = "replyMarkup" in entry ? entry.replyMarkup : (entry as Message).reply_markup;
  const button = keyboard?.inline_keyboard.flat().find((b) => b.text.includes(label));
  if (!button || !("callback_data" in button) || !button.callback_data) {
    throw new Error(`no button "${label}" on message ${"messageId" in entry ? entry.messageId : ""}`);
  }
  return button.callback_data;
}

/** The message's last id in the chat so far (to wait for what comes after). */
export const lastMessageId = (telegram: FakeTelegram, user: FakeUser): number =>
  telegram.transcript(user.id).at(-1)?.messageId ?? 0;
