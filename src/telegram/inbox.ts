/**
 * Updates are stored before they are handled: Telegram's long poll or webhook only puts them in
 * the database (so the webhook is answered at once and a redelivered update is dropped there),
 * and a few workers handle them, one at a time per chat, in order.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { TelegramInboxRepo } from "../store/index.ts";

/** A claim older than this belonged to a process that died while handling the update. */
const HANDLING_CLAIM_MS = 10 * 60_000;
/** Updates another process stored are seen within this; this process's own, at once. */
const POLL_MS = 1000;
const KEEP_HANDLED_MS = 86_400_000;
const WORKERS = 4;

export function chatOf(update: Update): number | undefined {
  return (
    update.message?.chat.id ??
    update.callback_query?.message?.chat.id ??
    update.callback_query?.from.id ??
    update.pre_checkout_query?.from.id
  );
}

export class Inbox {
  readonly #repo: TelegramInboxRepo;
  readonly #handle: (update: Update) => Promise<void>;
  readonly #logger: Logger;
  #stop = new AbortController();
  #wake = new AbortController();
  #workers: Promise<void>[] = [];

  constructor(repo: TelegramInboxRepo, handle: (update: Update) => Promise<void>, logger: Logger) {
    this.#repo = repo;
    this.#handle = handle;
    this.#logger = logger;
  }

  /** Stores the update for handling; a redelivered one is dropped. */
  async accept(update: Update): Promise<void> {
    const chatId = chatOf(update);
    if (chatId === undefined) return;
    if (await this.#repo.accept(update.update_id, chatId, JSON.stringify(update))) this.#wake.abort();
  }

  /** `claimsAreOurs`: no other process handles updates (SQLite), so claims left by a crash are taken back now. */
  start(claimsAreOurs: boolean): void {
    const staleAfter = claimsAreOurs ? Date.now() : undefined;
    void this.#repo.prune(Date.now() - KEEP_HANDLED_MS).catch(() => undefined);
    this.#workers = Array.from({ length: WORKERS }, () => this.#work(staleAfter));
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake.abort();
    await Promise.all(this.#workers);
  }

  async #work(startedAt: number | undefined): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const now = Date.now();
      const next = await this.#repo
        .claimNext(now, startedAt ?? now - HANDLING_CLAIM_MS)
        .catch((error: unknown) => {
          this.#logger.error({ err: error }, "could not read the bot's updates");
          return undefined;
        });
      if (!next) {
        await this.#idle();
        continue;
      }
      try {
        await this.#handle(JSON.parse(next.payload) as Update);
      } catch (error) {
        this.#logger.error({ err: error, update: next.updateId }, "a telegram update could not be handled");
      }
      await this.#repo
        .done(next.updateId)
        .catch((error: unknown) =>
          this.#logger.error(
            { err: error, update: next.updateId },
            "could not mark a telegram update handled",
          ),
        );
    }
  }

  /** Waits for a new update of this process, or a while for those of others. */
  async #idle(): Promise<void> {
    if (this.#wake.signal.aborted) {
      // Woken since the last look: look again before waiting.
      this.#wake = new AbortController();
      return;
    }
    const signal = AbortSignal.any([this.#wake.signal, this.#stop.signal]);
    await delay(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
