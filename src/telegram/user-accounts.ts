/**
 * Each Telegram user has a gengate token of its own (in the tenant `telegram`, with the user's
 * daily budget), made on first contact. The token's secret is derived from a key kept in the
 * database and the user id, so only its hash is stored (like every token) and any process of the
 * bot can act as the user.
 */
import { createHmac } from "node:crypto";
import type { ApiFetch } from "../api/api-fetch.ts";
import { hashApiToken } from "../core/api-tokens.ts";
import { newSecret } from "../core/ids.ts";
import type { TelegramUser, TelegramUsersRepo } from "../store/index.ts";
import type { BotBudgets, TenantTokens } from "./bot-budgets.ts";
import { GengateClient } from "./gengate-client.ts";
import { type Language, languageOf } from "./texts/index.ts";

export interface SecretStore {
  getOrCreate(key: string, create: () => string): Promise<string>;
}

export interface TelegramFrom {
  id: number;
  first_name: string;
  language_code?: string;
}

export interface Account {
  user: TelegramUser;
  language: Language;
  client: GengateClient;
}

const USER_KEY_SETTING = "telegram_user_token_key";

export const DEFAULT_ASPECT_RATIO = "1:1";

export class UserAccounts {
  readonly #tokens: TenantTokens;
  readonly #users: TelegramUsersRepo;
  readonly #secrets: SecretStore;
  readonly #api: ApiFetch;
  readonly #budgets: BotBudgets;
  #key: Promise<string> | undefined;

  constructor(deps: {
    tokens: TenantTokens;
    users: TelegramUsersRepo;
    secrets: SecretStore;
    api: ApiFetch;
    budgets: BotBudgets;
  }) {
    this.#tokens = deps.tokens;
    this.#users = deps.users;
    this.#secrets = deps.secrets;
    this.#api = deps.api;
    this.#budgets = deps.budgets;
  }

  /** The user's account, made now on first contact; undefined when an admin revoked its token. */
  async open(from: TelegramFrom): Promise<Account | undefined> {
    const language = languageOf(from.language_code);
    const secret = await this.#secretOf(from.id);
    let user = await this.#users.get(from.id);
    if (user) {
      const token = await this.#tokens.get(user.tokenId);
      if (!token || token.revokedAt !== null) return undefined;
      await this.#budgets.keepToken(token);
      if (user.firstName !== from.first_name || user.language !== language || user.blockedAt !== null) {
        await this.#users.seen(from.id, from.first_name, language);
        user = { ...user, firstName: from.first_name, language, blockedAt: null };
      }
    } else {
      const tokenId = await this.#tokenFor(from, secret);
      if (tokenId === undefined) return undefined;
      user = await this.#users.getOrCreate({
        userId: from.id,
        tokenId,
        firstName: from.first_name,
        language,
        aspectRatio: DEFAULT_ASPECT_RATIO,
        numOutputs: 1,
      });
    }
    return { user, language, client: new GengateClient(this.#api, secret) };
  }

  /** The account of a known user, for work that goes on outside an update (delivering a result). */
  async known(userId: number): Promise<Account | undefined> {
    const user = await this.#users.get(userId);
    if (!user) return undefined;
    return {
      user,
      language: languageOf(user.language),
      client: new GengateClient(this.#api, await this.#secretOf(userId)),
    };
  }

  async #secretOf(userId: number): Promise<string> {
    // The key never changes once stored: read it once, not on every update.
    this.#key ??= this.#secrets
      .getOrCreate(USER_KEY_SETTING, () => newSecret("", 32))
      .catch((error: unknown) => {
        this.#key = undefined;
        throw error;
      });
    const key = await this.#key;
    return `gg_tg_${createHmac("sha256", key).update(`telegram-user:${userId}`).digest("base64url")}`;
  }

  /** The user's token id, created now; undefined when its token exists but was revoked. */
  async #tokenFor(from: TelegramFrom, secret: string): Promise<string | undefined> {
    const tokenHash = hashApiToken(secret);
    const existing = await this.#tokens.findByHash(tokenHash);
    if (existing) return existing.id;
    const tenant = await this.#budgets.tenant();
    try {
      const name = tokenNameOf(from.id, from.first_name);
      const limits = this.#budgets.newTokenLimits();
      return (await this.#tokens.create({ name, tokenHash, isAdmin: false, tenantId: tenant.id, limits })).id;
    } catch (error) {
      // Another process made it first, or the hash belongs to a revoked token.
      const raced = await this.#tokens.findByHash(tokenHash);
      if (raced) return raced.id;
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }
}

const tokenNameOf = (userId: number, firstName: string) => `telegram:${userId} ${firstName}`.slice(0, 100);

/** "Anna (1001)" for the token `telegram:1001 Anna`, or the token's name when not one of the bot's. */
export function userOfTokenName(name: string): string {
  const match = /^telegram:(\d+) (.*)$/s.exec(name);
  return match ? `${match[2]} (${match[1]})` : name;
}

const isUniqueViolation = (error: unknown) =>
  /unique|duplicate/i.test(String((error as Error | undefined)?.message));
