/** The bot the fake plays (from its token, `<bot id>:<secret>`) and the users who talk to it. */
import { randomBytes } from "node:crypto";
import type { User, UserFromGetMe } from "grammy/types";

export function randomToken(): string {
  const id = 7_000_000_000 + Math.floor(Math.random() * 900_000_000);
  return `${id}:AA${randomBytes(24).toString("base64url").slice(0, 33)}`;
}

export function botUser(token: string, username: string): UserFromGetMe {
  const id = Number(token.split(":")[0]);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new Error("a bot token starts with the bot's numeric id and ':'");
  return {
    id,
    is_bot: true,
    first_name: "gengate",
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** A person in a private chat with the bot (the chat id is the user id). */
export interface FakeUser {
  id: number;
  first_name: string;
  language_code?: string;
}

let nextUserId = 100_000_000 + Math.floor(Math.random() * 1_000_000) * 100;

/** A new user with a fresh id; `first_name` defaults to "Ann". */
export function makeUser(options: { first_name?: string; language_code?: string } = {}): FakeUser {
  nextUserId += 1;
  return {
    id: nextUserId,
    first_name: options.first_name ?? "Ann",
    ...(options.language_code && { language_code: options.language_code }),
  };
}

export function asTelegramUser(user: FakeUser): User {
  return {
    id: user.id,
    is_bot: false,
    first_name: user.first_name,
    ...(user.language_code && { language_code: user.language_code }),
  };
}
