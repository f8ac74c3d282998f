/** Finding the bot message an edit method names, and Telegram's refusal of an edit that changes nothing. */
import { badRequest } from "./api-error.ts";
import type { Params } from "./request-params.ts";
import type { FakeState } from "./state.ts";

export const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

export function botMessageToEdit(state: FakeState, params: Params) {
  if (params.has("inline_message_id")) throw badRequest("inline messages are not supported by the fake");
  const chatId = params.requireInt("chat_id");
  state.chats.require(chatId);
  const entry = state.chats.find(chatId, params.requireInt("message_id"));
  if (!entry) throw badRequest("message to edit not found");
  if (entry.sender !== "bot") throw badRequest("message can't be edited");
  return entry;
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
