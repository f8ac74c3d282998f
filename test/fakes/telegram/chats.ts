/**
 * The private chats the fake knows, each with every message in order (the user's and the bot's) in
 * its current state: edits applied, deletions marked, reply_markup kept. Message ids grow per chat.
 */
import type {
  Chat,
  Document,
  InlineKeyboardMarkup,
  Invoice,
  Message,
  PhotoSize,
  SuccessfulPayment,
  User,
} from "grammy/types";
import { chatNotFound } from "./api-error.ts";
import { asTelegramUser, type FakeUser } from "./bot-identity.ts";

export type Sender = "user" | "bot";

/** One message of a chat as a test reads it (`message` is what the Bot API shows for it now). */
export interface TranscriptEntry {
  messageId: number;
  sender: Sender;
  date: number;
  text?: string;
  caption?: string;
  /** Smallest first, as Telegram sends them. */
  photo?: PhotoSize[];
  document?: Document;
  mediaGroupId?: string;
  replyMarkup?: InlineKeyboardMarkup;
  invoice?: Invoice & { payload: string };
  successfulPayment?: SuccessfulPayment;
  edits: number;
  deleted: boolean;
  message: Message;
}

interface Entry {
  sender: Sender;
  message: Message;
  edits: number;
  deleted: boolean;
  invoicePayload?: string;
}

interface ChatRecord {
  chat: Chat.PrivateChat;
  user: User;
  lastMessageId: number;
  entries: Entry[];
}

/** A message's content: everything but the fields the chat gives it. */
export type MessageContent = Record<string, unknown>;

export class Chats {
  readonly #chats = new Map<number, ChatRecord>();
  readonly #bot: User;
  readonly #changed: () => void;

  constructor(bot: User, changed: () => void) {
    this.#bot = bot;
    this.#changed = changed;
  }

  /** The private chat with `user`, opened on their first message. */
  open(user: FakeUser): ChatRecord {
    let record = this.#chats.get(user.id);
    if (!record) {
      record = {
        chat: { id: user.id, type: "private", first_name: user.first_name },
        user: asTelegramUser(user),
        lastMessageId: 0,
        entries: [],
      };
      this.#chats.set(user.id, record);
    }
    return record;
  }

  /** A chat the bot may write to; Telegram refuses a chat nobody opened. */
  require(chatId: number): ChatRecord {
    const record = this.#chats.get(chatId);
    if (!record) throw chatNotFound();
    return record;
  }

  append(chatId: number, sender: Sender, content: MessageContent, invoicePayload?: string): Message {
    const record = this.require(chatId);
    record.lastMessageId += 1;
    const message = {
      message_id: record.lastMessageId,
      from: sender === "bot" ? this.#bot : record.user,
      chat: record.chat,
      date: Math.floor(Date.now() / 1000),
      ...content,
    } as Message;
    record.entries.push({
      sender,
      message,
      edits: 0,
      deleted: false,
      ...(invoicePayload !== undefined && { invoicePayload }),
    });
    this.#changed();
    return message;
  }

  find(chatId: number, messageId: number): Entry | undefined {
    return this.#chats
      .get(chatId)
      ?.entries.find((entry) => entry.message.message_id === messageId && !entry.deleted);
  }

  /** Applies an edit; `undefined` values remove a field (a keyboard taken away). */
  edit(entry: Entry, changes: MessageContent): Message {
    const next: Record<string, unknown> = { ...entry.message, edit_date: Math.floor(Date.now() / 1000) };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    entry.message = next as unknown as Message;
    entry.edits += 1;
    this.#changed();
    return entry.message;
  }

  remove(entry: Entry): void {
    entry.deleted = true;
    this.#changed();
  }

  transcript(chatId: number): TranscriptEntry[] {
    return (this.#chats.get(chatId)?.entries ?? []).map(view);
  }
}

function view(entry: Entry): TranscriptEntry {
  const m = entry.message;
  return {
    messageId: m.message_id,
    sender: entry.sender,
    date: m.date,
    ...(m.text !== undefined && { text: m.text }),
    ...(m.caption !== undefined && { caption: m.caption }),
    ...(m.photo && { photo: m.photo }),
    ...(m.document && { document: m.document }),
    ...(m.media_group_id && { mediaGroupId: m.media_group_id }),
    ...(m.reply_markup && { replyMarkup: m.reply_markup }),
    ...(m.invoice && { invoice: { ...m.invoice, payload: entry.invoicePayload ?? "" } }),
    ...(m.successful_payment && { successfulPayment: m.successful_payment }),
    edits: entry.edits,
    deleted: entry.deleted,
    message: m,
  };
}
