/** sendMessage, text/caption/keyboard edits, deleteMessage, answerCallbackQuery and sendChatAction. */
import { badRequest, queryTooOld, required } from "./api-error.ts";
import { captionContent, keyboardContent, replyContent, textContent } from "./message-content.ts";
import { botMessageToEdit, NOT_MODIFIED, same } from "./message-edits.ts";
import type { MethodHandler } from "./state.ts";

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

  editMessageCaption(state, params) {
    const entry = botMessageToEdit(state, params);
    const { photo, document } = entry.message;
    if (!photo && !document) throw badRequest("there is no caption in the message to edit");
    const content = captionContent(
      params.string("caption"),
      params.string("parse_mode"),
      params.json("caption_entities"),
    );
    const keyboard = keyboardContent(params);
    if (
      same(content.caption, entry.message.caption) &&
      same(content.caption_entities, entry.message.caption_entities) &&
      same(keyboard.reply_markup, entry.message.reply_markup)
    )
      throw badRequest(NOT_MODIFIED);
    return state.chats.edit(entry, {
      caption: content.caption,
      caption_entities: content.caption_entities,
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
