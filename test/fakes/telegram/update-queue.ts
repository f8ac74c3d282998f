/**
 * Updates waiting for the bot, as Telegram keeps them: `getUpdates` returns those at or after
 * `offset` and forgets the earlier ones; a long poll is held until an update comes or `timeout`
 * ends; a newer long poll ends the held one with 409, as Telegram's server does (reference C.4).
 */
import type { Update } from "grammy/types";
import { type ApiError, conflict } from "./api-error.ts";

export type UpdateBody = Omit<Update, "update_id">;

/** What Telegram sends when a bot names no `allowed_updates`. */
const NOT_SENT_BY_DEFAULT = new Set<string>(["chat_member", "message_reaction", "message_reaction_count"]);

interface HeldPoll {
  wake(): void;
  end(error: ApiError): void;
}

export interface PollRequest {
  offset?: number;
  limit?: number;
  timeout?: number;
  allowedUpdates?: string[];
  signal: AbortSignal;
}

export class UpdateQueue {
  #lastId = 100_000_000 + Math.floor(Math.random() * 1_000_000);
  readonly #pending: Update[] = [];
  readonly #redeliveries: Update[] = [];
  readonly #history = new Map<number, Update>();
  #allowed: Set<string> | undefined;
  #held: HeldPoll | undefined;
  /** Called when something arrives (the webhook sender listens). */
  onArrival: () => void = () => {};

  /** Makes an update from a user and queues it, unless `allowed_updates` excludes its type. */
  push(body: UpdateBody): Update {
    this.#lastId += 1;
    const update = { update_id: this.#lastId, ...body } as Update;
    this.#history.set(update.update_id, update);
    const type = Object.keys(body)[0] ?? "";
    if (this.#allowed ? !this.#allowed.has(type) : NOT_SENT_BY_DEFAULT.has(type)) return update;
    this.#pending.push(update);
    this.#arrived();
    return update;
  }

  /** Sends an update again with the same update_id, as Telegram does when it is unsure it arrived. */
  redeliver(updateId: number): Update {
    const update = this.#history.get(updateId);
    if (!update) throw new Error(`fake Telegram: no update ${updateId} was ever queued`);
    this.#redeliveries.push(update);
    this.#arrived();
    return update;
  }

  setAllowed(types: string[] | undefined): void {
    if (types !== undefined) this.#allowed = types.length > 0 ? new Set(types) : undefined;
  }

  allowed(): string[] | undefined {
    return this.#allowed && [...this.#allowed];
  }

  dropPending(): void {
    this.#pending.length = 0;
    this.#redeliveries.length = 0;
  }

  pendingCount(): number {
    return this.#pending.length + this.#redeliveries.length;
  }

  /** The next update for the webhook, left queued until `confirm`. */
  peek(): Update | undefined {
    return this.#redeliveries[0] ?? this.#pending[0];
  }

  confirm(update: Update): void {
    for (const list of [this.#redeliveries, this.#pending]) {
      const index = list.indexOf(update);
      if (index >= 0) {
        list.splice(index, 1);
        return;
      }
    }
  }

  /** Ends a held long poll (setWebhook does, with its own words). */
  endPoll(error: ApiError): void {
    this.#held?.end(error);
    this.#held = undefined;
  }

  async poll(request: PollRequest): Promise<Update[]> {
    this.setAllowed(request.allowedUpdates);
    this.#confirmBefore(request.offset ?? 0);
    const limit = Math.min(100, Math.max(1, request.limit ?? 100));
    const ready = this.#take(limit);
    const timeout = Math.max(0, request.timeout ?? 0);
    if (ready.length > 0 || timeout === 0) return ready;
    this.endPoll(
      conflict("terminated by other getUpdates request; make sure that only one bot instance is running"),
    );
    await this.#hold(timeout * 1000, request.signal);
    return this.#take(limit);
  }

  #confirmBefore(offset: number): void {
    if (offset > 0) {
      const kept = this.#pending.filter((update) => update.update_id >= offset);
      this.#pending.splice(0, this.#pending.length, ...kept);
    } else if (offset < 0) {
      this.#pending.splice(0, Math.max(0, this.#pending.length + offset));
    }
  }

  /** Redeliveries go once; pending updates stay until an offset confirms them. */
  #take(limit: number): Update[] {
    const redelivered = this.#redeliveries.splice(0, limit);
    return [...redelivered, ...this.#pending.slice(0, limit - redelivered.length)];
  }

  #hold(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const held: HeldPoll = {
        wake: () => finish(resolve),
        end: (error) => finish(() => reject(error)),
      };
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (this.#held === held) this.#held = undefined;
        settle();
      };
      const onAbort = () => finish(resolve);
      const timer = setTimeout(() => finish(resolve), ms);
      timer.unref();
      this.#held = held;
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort);
    });
  }

  #arrived(): void {
    this.#held?.wake();
    this.onArrival();
  }
}
