/** sendMessage, edits, deleteMessage, answerCallbackQuery and sendChatAction. */
import { badRequest, queryTooOld, required } from "./api-error.ts";
import { keyboardContent, replyContent, textContent } from "./message-content.ts";
import type { Params } from "./request-params.ts";
import type { FakeState, MethodHandler } from "./state.ts";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

function botMessageToEdit(state: FakeState, params: Params) {
  if (params.has("inline_message_id")) throw badRequest("inline messages are not supported by the fake");
  const chatId = params.requireInt("chat_id");
  state.chats.require(chatId);
  const entry = state.chats.find(chatId, params.requireInt("message_id"));
  if (!entry) throw badRequest("message to edit not found");
  if (entry.sender !== "bot") throw badRequest("message can't be edited");
  return entry;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage(state, params) {
    const chatId = params.requireInt("chat_id");
    state.chats.require(chatId);
    return state.chats.append(chatId, "bot", {
      ...textContent(params),
      ...replyContent(state, chatId, params),
      ...keyboardContent(params),
    });
  },

  editMessageText(state, params) {
    const entry = botMessageToEdit(state, params);
    if (entry.message.text === undefined) throw badRequest("there is no text in the message to edit");
    const content = textContent(params);
    const keyboard = keyboardContent(params);
    if (
      same(content.text, entry.message.text) &&
      same(content.entities, entry.message.entities) &&
      same(keyboard.reply_markup, entry.message.reply_markup)
    )
      throw badRequest(NOT_MODIFIED);
    return state.chats.edit(entry, {
      text: content.text,
      entities: content.entities,
      reply_markup: keyboard.reply_markup,
    });
  },

  editMessageReplyMarkup(state, params) {
    const entry = botMessageToEdit(state, params);
    const keyboard = keyboardContent(params);
    if (same(keyboard.reply_markup, entry.message.reply_markup)) throw badRequest(NOT_MODIFIED);
    return state.chats.edit(entry, { reply_markup: keyboard.reply_markup });
  },

  deleteMessage(state, params) {
    const chatId = params.requireInt("chat_id");
    state.chats.require(chatId);
    const entry = state.chats.find(chatId, params.requireInt("message_id"));
    if (!entry) throw badRequest("message to delete not found");
    state.chats.remove(entry);
    return true;
  },

  answerCallbackQuery(state, params) {
    const id = params.requireString("callback_query_id");
    if (!state.openCallbackQueries.delete(id)) throw queryTooOld();
    const text = params.string("text");
    if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    const url = params.string("url");
    state.callbackAnswers.push({
      callbackQueryId: id,
      showAlert: params.bool("show_alert"),
      at: Date.now(),
      ...(text !== undefined && { text }),
      ...(url !== undefined && { url }),
    });
    return true;
  },

  sendChatAction(state, params) {
    const chatId = params.requireInt("chat_id");
    state.chats.require(chatId);
    const action = params.string("action");
    if (action === undefined) throw required("action");
    if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
    return true;
  },
};
