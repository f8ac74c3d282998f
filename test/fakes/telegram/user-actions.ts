/**
 * What a person does in Telegram, turned into the updates Telegram sends the bot: messages (text,
 * photos, albums, documents), button presses, blocking the bot; payments are in payment-actions.ts.
 */
import { randomInt } from "node:crypto";
import type { Message, MessageEntity, Update } from "grammy/types";
import { asTelegramUser, type FakeUser } from "./bot-identity.ts";
import type { MessageContent } from "./chats.ts";
import { newMediaGroupId } from "./media-files.ts";
import { storePhotoSizes } from "./photo-sizes.ts";
import type { FakeState } from "./state.ts";

export interface PhotoOptions {
  caption?: string;
  mediaGroupId?: string;
  /** Bytes Telegram reports for the largest size (a big photo the test does not build). */
  fileSize?: number;
}

/** Telegram marks a command at the start of a message with a bot_command entity. */
function commandEntities(text: string): MessageEntity[] | undefined {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  return command ? [{ type: "bot_command", offset: 0, length: command[0].length }] : undefined;
}

/** A message from `user` in their private chat with the bot, as the update Telegram sends. */
export function userSays(state: FakeState, user: FakeUser, content: MessageContent): Update {
  state.chats.open(user);
  const message = state.chats.append(user.id, "user", content);
  return state.updates.push({ message: message as Message & Update.NonChannel });
}

export function userActions(state: FakeState) {
  const say = (user: FakeUser, content: MessageContent) => userSays(state, user, content);

  const sendPhoto = async (user: FakeUser, bytes: Buffer, options: PhotoOptions = {}): Promise<Update> => {
    const photo = await storePhotoSizes(bytes, state.files, options.fileSize);
    return say(user, {
      photo,
      ...(options.caption && { caption: options.caption }),
      ...(options.mediaGroupId && { media_group_id: options.mediaGroupId }),
    });
  };

  return {
    sendText(user: FakeUser, text: string): Update {
      const entities = commandEntities(text);
      return say(user, { text, ...(entities && { entities }) });
    },

    sendPhoto,

    /** Several photos sharing a media_group_id, each its own update; the caption rides on the first. */
    async sendAlbum(user: FakeUser, photos: Buffer[], options: { caption?: string } = {}): Promise<Update[]> {
      const mediaGroupId = newMediaGroupId();
      const updates = [];
      for (const [index, bytes] of photos.entries())
        updates.push(
          await sendPhoto(user, bytes, {
            mediaGroupId,
            ...(index === 0 && options.caption && { caption: options.caption }),
          }),
        );
      return updates;
    },

    /** A file sent as a document; `fileSize` declares a bigger one than the bytes (getFile refuses > 20 MiB). */
    sendDocument(
      user: FakeUser,
      bytes: Buffer,
      options: { fileName: string; mimeType: string; caption?: string; fileSize?: number },
    ): Update {
      const extension = /\.([A-Za-z0-9]+)$/.exec(options.fileName)?.[1] ?? "bin";
      const file = state.files.add("document", bytes, {
        extension,
        fileName: options.fileName,
        mimeType: options.mimeType,
        ...(options.fileSize !== undefined && { size: options.fileSize }),
      });
      const document = {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        file_name: options.fileName,
        mime_type: options.mimeType,
        file_size: file.size,
      };
      return say(user, { document, ...(options.caption && { caption: options.caption }) });
    },

    /** A press on an inline button of a bot message (the message or its id) that carries `callbackData`. */
    pressButton(user: FakeUser, message: Message | number, callbackData: string): Update {
      const messageId = typeof message === "number" ? message : message.message_id;
      const entry = state.chats.find(user.id, messageId);
      if (entry?.sender !== "bot")
        throw new Error(`fake Telegram: no bot message ${messageId} in chat ${user.id}`);
      const buttons = entry.message.reply_markup?.inline_keyboard.flat() ?? [];
      if (!buttons.some((button) => "callback_data" in button && button.callback_data === callbackData))
        throw new Error(
          `fake Telegram: message ${messageId} has no button with callback_data ${callbackData}`,
        );
      const id = String(randomInt(1, 2 ** 47)) + String(randomInt(0, 1000)).padStart(3, "0");
      state.openCallbackQueries.add(id);
      return state.updates.push({
        callback_query: {
          id,
          from: asTelegramUser(user),
          message: entry.message,
          chat_instance: chatInstance(user.id),
          data: callbackData,
        },
      });
    },

    deliverAgain: (updateId: number): Update => state.updates.redeliver(updateId),

    /**
     * The user blocks the bot: Telegram tells the bot with a my_chat_member update, and every send
     * or edit to their chat answers 403 from then on.
     */
    blockBy(user: FakeUser): Update {
      const record = state.chats.open(user);
      state.faults.block(user.id);
      const bot = state.bot;
      const botAsUser = { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
      return state.updates.push({
        my_chat_member: {
          chat: record.chat,
          from: asTelegramUser(user),
          date: Math.floor(Date.now() / 1000),
          old_chat_member: { status: "member", user: botAsUser },
          new_chat_member: { status: "kicked", user: botAsUser, until_date: 0 },
        },
      });
    },
  };
}

/** Telegram's chat_instance: a stable signed 64-bit number per chat. */
const chatInstance = (chatId: number) => String(-BigInt(chatId) * 7_919n - 4_611_686_018_427_387_904n);
