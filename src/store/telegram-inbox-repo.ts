/**
 * The Telegram updates the bot received, kept until handled: an update id is stored once, so a
 * redelivered update does nothing; each chat's updates are handled one at a time, in order.
 */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

export interface InboxUpdate {
  updateId: number;
  payload: string;
}

export class TelegramInboxRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Stores a new update; false when this update id was received before. */
  async accept(updateId: number, chatId: number, payload: string, now = Date.now()): Promise<boolean> {
    const inserted = await this.#db
      .insertInto("telegram_updates")
      .values({ update_id: updateId, chat_id: chatId, payload, state: "pending", received_at: now })
      .onConflict((oc) => oc.column("update_id").doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Claims the oldest pending update of a chat that has none being handled; undefined when there
   * is nothing to do. A claim older than `staleBefore` was left by a process that died: it is taken over.
   */
  async claimNext(now: number, staleBefore: number): Promise<InboxUpdate | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const busyChats = this.#db
        .selectFrom("telegram_updates")
        .select("chat_id")
        .where("state", "=", "handling")
        .where("claimed_at", ">=", staleBefore);
      const next = await this.#db
        .selectFrom("telegram_updates")
        .select(["update_id", "payload", "state", "claimed_at"])
        .where((eb) =>
          eb.or([
            eb("state", "=", "pending"),
            eb.and([eb("state", "=", "handling"), eb("claimed_at", "<", staleBefore)]),
          ]),
        )
        .where("chat_id", "not in", busyChats)
        .orderBy("update_id")
        .limit(1)
        .executeTakeFirst();
      if (!next) return undefined;
      const claimed = await this.#db
        .updateTable("telegram_updates")
        .set({ state: "handling", claimed_at: now })
        .where("update_id", "=", next.update_id)
        .where("state", "=", next.state)
        .where((eb) =>
          next.claimed_at === null ? eb("claimed_at", "is", null) : eb("claimed_at", "=", next.claimed_at),
        )
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 1) return { updateId: next.update_id, payload: next.payload };
    }
    return undefined;
  }

  async done(updateId: number): Promise<void> {
    await this.#db
      .updateTable("telegram_updates")
      .set({ state: "done", payload: "" })
      .where("update_id", "=", updateId)
      .execute();
  }

  /** Forgets handled updates older than `before` (their ids only guard against redelivery for a day). */
  async prune(before: number): Promise<void> {
    await this.#db
      .deleteFrom("telegram_updates")
      .where("state", "=", "done")
      .where("received_at", "<", before)
      .execute();
  }
}
