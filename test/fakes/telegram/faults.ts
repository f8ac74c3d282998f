/** Failures a test asks for: the next calls of a method refused, or a user who blocked the bot. */
import { type ApiError, blocked, internalError, tooManyRequests } from "./api-error.ts";

export type Fault = { status: 429; retryAfter: number } | { status: 500 } | { status: 403 };

export class Faults {
  readonly #next = new Map<string, Fault[]>();
  readonly #blockedChats = new Set<number>();

  /** The next `times` calls of `method` (any case) answer `fault` instead of running. */
  failNext(method: string, fault: Fault, times = 1): void {
    const queue = this.#next.get(method.toLowerCase()) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.#next.set(method.toLowerCase(), queue);
  }

  /** Every send or edit to `chatId` answers 403 from now on. */
  block(chatId: number): void {
    this.#blockedChats.add(chatId);
  }

  take(method: string, chatId: number | undefined): ApiError | undefined {
    const fault = this.#next.get(method.toLowerCase())?.shift();
    if (fault?.status === 429) return tooManyRequests(fault.retryAfter);
    if (fault?.status === 500) return internalError();
    if (fault?.status === 403) return blocked();
    const reachesChat = /^(send|edit|copy|forward)/i.test(method);
    if (reachesChat && chatId !== undefined && this.#blockedChats.has(chatId)) return blocked();
    return undefined;
  }
}
