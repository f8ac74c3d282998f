/**
 * Sends to a user's chat outside an update (results, progress): a user who blocked the bot (403)
 * is marked and not messaged again until they write; an edit that changes nothing is not an error.
 */
import { type Api, GrammyError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Logger } from "pino";
import type { TelegramUsersRepo } from "../store/index.ts";

export class ChatSender {
  readonly api: Api;
  readonly #users: TelegramUsersRepo;
  readonly #logger: Logger;

  constructor(api: Api, users: TelegramUsersRepo, logger: Logger) {
    this.api = api;
    this.#users = users;
    this.#logger = logger;
  }

  /** `send`'s result, or undefined when the user blocked the bot (now or before). */
  async to<T>(userId: number, send: (api: Api) => Promise<T>): Promise<T | undefined> {
    const user = await this.#users.get(userId);
    if (user?.blockedAt != null) return undefined;
    try {
      return await send(this.api);
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 403) {
        this.#logger.info({ telegramUser: userId }, "the user blocked the bot; nothing more is sent to them");
        await this.#users.markBlocked(userId);
        return undefined;
      }
      throw error;
    }
  }

  /** Rewrites a status message; a message that is gone or already says this is left alone. */
  async edit(
    userId: number,
    chatId: number,
    messageId: number,
    text: string,
    keyboard?: InlineKeyboardMarkup,
  ) {
    await this.to(userId, async (api) => {
      try {
        await api.editMessageText(chatId, messageId, text, keyboard ? { reply_markup: keyboard } : {});
      } catch (error) {
        if (error instanceof GrammyError && error.error_code === 400) return;
        throw error;
      }
    });
  }
}
