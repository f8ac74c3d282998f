/** sendPhoto, sendDocument, sendMediaGroup, editMessageMedia, getFile (reference C.6; limits as Telegram's cloud). */
import type { MessageEntity } from "grammy/types";
import { badRequest, required } from "./api-error.ts";
import type { FileKind } from "./file-store.ts";
import { type InputFileSource, resolveInputFile } from "./input-file.ts";
import { checkPhotos, documentOf, newMediaGroupId, photoOf } from "./media-files.ts";
import { captionContent, keyboardContent, replyContent } from "./message-content.ts";
import { botMessageToEdit } from "./message-edits.ts";
import type { MethodHandler } from "./state.ts";

/** Telegram lets bots download files up to 20 MiB. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** An InputMedia item as sent, its file named by `attach://`, a file_id or a URL. */
interface MediaItem {
  type: string;
  media?: unknown;
  caption?: string;
  parse_mode?: string;
  caption_entities?: MessageEntity[];
}

const caption = (params: Parameters<MethodHandler>[1]) =>
  captionContent(params.string("caption"), params.string("parse_mode"), params.json("caption_entities"));

export const mediaMethods: Record<string, MethodHandler> = {
  async sendPhoto(state, params) {
    const chatId = params.requireInt("chat_id");
    state.chats.require(chatId);
    const content = {
      ...caption(params),
      ...replyContent(state, chatId, params),
      ...keyboardContent(params),
    };
    const source = await resolveInputFile(params, state.files, "photo", params.string("photo"), "photo");
    await checkPhotos([source]);
    const photo = await photoOf(state.files, source);
    return state.chats.append(chatId, "bot", {
      photo,
      ...content,
      ...(params.bool("has_spoiler") && { has_media_spoiler: true }),
    });
  },

  async sendDocument(state, params) {
    const chatId = params.requireInt("chat_id");
    state.chats.require(chatId);
    const content = {
      ...caption(params),
      ...replyContent(state, chatId, params),
      ...keyboardContent(params),
    };
    const source = await resolveInputFile(
      params,
      state.files,
      "document",
      params.string("document"),
      "document",
    );
    return state.chats.append(chatId, "bot", { document: documentOf(state.files, source), ...content });
  },

  async sendMediaGroup(state, params) {
    const chatId = params.requireInt("chat_id");
    state.chats.require(chatId);
    const media = params.json<MediaItem[]>("media");
    if (!Array.isArray(media) || media.length === 0) throw badRequest("there are no messages to send");
    if (media.length > 10) throw badRequest("too many messages to send as an album");
    const kinds = media.map(kindOf);
    if (kinds.includes("document") && kinds.includes("photo"))
      throw badRequest("document can't be mixed with other media types");
    const captions = media.map((item) =>
      captionContent(item.caption, item.parse_mode, item.caption_entities),
    );
    const sources: InputFileSource[] = [];
    for (const [index, item] of media.entries()) {
      if (typeof item.media !== "string") throw badRequest("can't parse InputMedia: media not found");
      sources.push(await resolveInputFile(params, state.files, "media", item.media, kinds[index] ?? "photo"));
    }
    await checkPhotos(sources.filter((_, index) => kinds[index] === "photo"));
    const reply = replyContent(state, chatId, params);
    // a single item is sent as one message outside any album, as Telegram's server does
    const group = media.length > 1 ? { media_group_id: newMediaGroupId() } : {};
    const messages = [];
    for (const [index, source] of sources.entries()) {
      const file =
        kinds[index] === "photo"
          ? { photo: await photoOf(state.files, source) }
          : { document: documentOf(state.files, source) };
      messages.push(state.chats.append(chatId, "bot", { ...file, ...captions[index], ...group, ...reply }));
    }
    return messages;
  },

  /** Replaces a photo or document (a placeholder, say) with new media; the item's caption replaces the old. */
  async editMessageMedia(state, params) {
    const entry = botMessageToEdit(state, params);
    if (!entry.message.photo && !entry.message.document)
      throw badRequest("there is no media in the message to edit");
    const item = params.json<MediaItem>("media");
    if (!item) throw required("media");
    const kind = kindOf(item);
    if (typeof item.media !== "string") throw badRequest("can't parse InputMedia: media not found");
    const caption = captionContent(item.caption, item.parse_mode, item.caption_entities);
    const keyboard = keyboardContent(params);
    const source = await resolveInputFile(params, state.files, "media", item.media, kind);
    if (kind === "photo") await checkPhotos([source]);
    const file =
      kind === "photo"
        ? { photo: await photoOf(state.files, source), document: undefined }
        : { document: documentOf(state.files, source), photo: undefined };
    return state.chats.edit(entry, {
      ...file,
      caption: caption.caption,
      caption_entities: caption.caption_entities,
      reply_markup: keyboard.reply_markup,
    });
  },

  getFile(state, params) {
    const file = state.files.get(params.requireString("file_id"));
    if (!file) throw badRequest("wrong file_id or the file is temporarily unavailable");
    if (file.size > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.size,
      file_path: file.path,
    };
  },
};

function kindOf(item: MediaItem): FileKind {
  if (item?.type === "photo" || item?.type === "document") return item.type;
  throw badRequest(
    `can't parse InputMedia: type "${String(item?.type)}" is not supported by the fake Telegram`,
  );
}
