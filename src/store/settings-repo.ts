/** Small key-value settings that must survive restarts, such as generated secrets. */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

export class SettingsRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async get(key: string): Promise<string | null> {
    const row = await this.#db
      .selectFrom("settings")
      .select("value")
      .where("key", "=", key)
      .executeTakeFirst();
    return row?.value ?? null;
  }

  /**
   * The stored value, or `create()`'s value stored now. Concurrent callers, in this process or
   * another, all get the value that was stored first.
   */
  async getOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.get(key);
    if (existing !== null) return existing;
    await this.#db
      .insertInto("settings")
      .values({ key, value: create() })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    const stored = await this.get(key);
    if (stored === null) throw new Error(`setting ${key} vanished right after it was stored`);
    return stored;
  }
}
