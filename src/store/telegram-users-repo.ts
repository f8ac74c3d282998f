/** The Telegram bot's users: their gengate token, settings, Stars credits, photos for a training. */
import type { Kysely, Selectable } from "kysely";
import type { DB, TelegramUsersTable } from "./schema.ts";

export interface TelegramUser {
  userId: number;
  tokenId: string;
  firstName: string;
  language: string;
  /** The model prompts go to; null for the bot's default. */
  model: string | null;
  aspectRatio: string;
  numOutputs: number;
  credits: number;
  blockedAt: number | null;
}

export type TelegramUserSettings = Partial<Pick<TelegramUser, "model" | "aspectRatio" | "numOutputs">>;

function fromRow(row: Selectable<TelegramUsersTable>): TelegramUser {
  return {
    userId: Number(row.user_id),
    tokenId: row.token_id,
    firstName: row.first_name,
    language: row.language,
    model: row.model,
    aspectRatio: row.aspect_ratio,
    numOutputs: row.num_outputs,
    credits: row.credits,
    blockedAt: row.blocked_at,
  };
}

export class TelegramUsersRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async get(userId: number): Promise<TelegramUser | undefined> {
    const row = await this.#db
      .selectFrom("telegram_users")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** The user, stored now with these defaults when new (concurrent first contacts keep one). */
  async getOrCreate(
    user: Pick<TelegramUser, "userId" | "tokenId" | "firstName" | "language" | "aspectRatio" | "numOutputs">,
    now = Date.now(),
  ): Promise<TelegramUser> {
    await this.#db
      .insertInto("telegram_users")
      .values({
        user_id: user.userId,
        token_id: user.tokenId,
        first_name: user.firstName,
        language: user.language,
        model: null,
        aspect_ratio: user.aspectRatio,
        num_outputs: user.numOutputs,
        credits: 0,
        blocked_at: null,
        created_at: now,
      })
      .onConflict((oc) => oc.column("user_id").doNothing())
      .execute();
    const stored = await this.get(user.userId);
    if (!stored) throw new Error(`telegram user ${user.userId} vanished right after it was stored`);
    return stored;
  }

  /** Records what each message tells about the user: name, language, and that they are reachable again. */
  async seen(userId: number, firstName: string, language: string): Promise<void> {
    await this.#db
      .updateTable("telegram_users")
      .set({ first_name: firstName, language, blocked_at: null })
      .where("user_id", "=", userId)
      .execute();
  }

  async update(userId: number, settings: TelegramUserSettings): Promise<void> {
    await this.#db
      .updateTable("telegram_users")
      .set({
        ...(settings.model !== undefined && { model: settings.model }),
        ...(settings.aspectRatio !== undefined && { aspect_ratio: settings.aspectRatio }),
        ...(settings.numOutputs !== undefined && { num_outputs: settings.numOutputs }),
      })
      .where("user_id", "=", userId)
      .execute();
  }

  async markBlocked(userId: number, now = Date.now()): Promise<void> {
    await this.#db
      .updateTable("telegram_users")
      .set({ blocked_at: now })
      .where("user_id", "=", userId)
      .execute();
  }

  /** Takes `images` bought credits; false (and nothing taken) when the user has fewer. */
  async spendCredits(userId: number, images: number): Promise<boolean> {
    const result = await this.#db
      .updateTable("telegram_users")
      .set((eb) => ({ credits: eb("credits", "-", images) }))
      .where("user_id", "=", userId)
      .where("credits", ">=", images)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async addCredits(userId: number, images: number): Promise<void> {
    await this.#db
      .updateTable("telegram_users")
      .set((eb) => ({ credits: eb("credits", "+", images) }))
      .where("user_id", "=", userId)
      .execute();
  }

  /** Adds a photo to the user's training draft (the same photo twice counts once). */
  async addDraftPhoto(userId: number, fileUniqueId: string, fileId: string, now = Date.now()): Promise<void> {
    await this.#db
      .insertInto("telegram_draft_photos")
      .values({ user_id: userId, file_unique_id: fileUniqueId, file_id: fileId, added_at: now })
      .onConflict((oc) => oc.columns(["user_id", "file_unique_id"]).doNothing())
      .execute();
  }

  /** The file ids of the user's draft, oldest first. */
  async draftPhotos(userId: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("telegram_draft_photos")
      .select("file_id")
      .where("user_id", "=", userId)
      .orderBy("added_at")
      .orderBy("file_unique_id")
      .execute();
    return rows.map((row) => row.file_id);
  }

  /** Empties the user's draft; how many photos it held. */
  async clearDraft(userId: number): Promise<number> {
    const result = await this.#db
      .deleteFrom("telegram_draft_photos")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
