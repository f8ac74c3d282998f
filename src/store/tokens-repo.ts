/** API tokens. Only a hash of each token is stored; the token itself is shown once, at creation. */
import type { Kysely, Selectable } from "kysely";
import { hashApiToken, newApiToken } from "../core/api-tokens.ts";
import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import type { ApiTokensTable, DB } from "./schema.ts";

export interface ApiToken {
  id: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const COLUMNS = ["id", "name", "is_admin", "created_at", "last_used_at", "revoked_at"] as const;

function fromRow(row: Pick<Selectable<ApiTokensTable>, (typeof COLUMNS)[number]>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    isAdmin: row.is_admin !== 0,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export class TokensRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async create(
    token: { name: string; tokenHash: string; isAdmin: boolean },
    now = Date.now(),
  ): Promise<ApiToken> {
    const created: ApiToken = {
      id: newId(),
      name: token.name,
      isAdmin: token.isAdmin,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.#db
      .insertInto("api_tokens")
      .values({
        id: created.id,
        name: created.name,
        token_hash: token.tokenHash,
        is_admin: created.isAdmin ? 1 : 0,
        created_at: created.createdAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return created;
  }

  /** A new token: its secret, to show this once (only its hash is kept), and the stored token. */
  async issue(token: { name: string; isAdmin: boolean }): Promise<{ secret: string; token: ApiToken }> {
    const secret = newApiToken();
    return { secret, token: await this.create({ ...token, tokenHash: hashApiToken(secret) }) };
  }

  /** The live (not revoked) token with this hash. */
  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const row = await this.#db
      .selectFrom("api_tokens")
      .select(COLUMNS)
      .where("token_hash", "=", tokenHash)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** A token by id, revoked or not. */
  async get(id: string): Promise<ApiToken | null> {
    const row = await this.#db
      .selectFrom("api_tokens")
      .select(COLUMNS)
      .where("id", "=", id)
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** The key this token's outbound webhooks are signed with, made by `create` on first use. */
  async webhookSigningKey(id: string, create: () => string): Promise<string> {
    const read = async () =>
      (
        await this.#db
          .selectFrom("api_tokens")
          .select("webhook_signing_key")
          .where("id", "=", id)
          .executeTakeFirst()
      )?.webhook_signing_key;
    const existing = await read();
    if (existing) return existing;
    // Two processes may both make one: the first write wins, and both return it.
    await this.#db
      .updateTable("api_tokens")
      .set({ webhook_signing_key: create() })
      .where("id", "=", id)
      .where("webhook_signing_key", "is", null)
      .execute();
    const key = await read();
    if (!key) throw new GatewayError("not_found", `no API token ${id}`);
    return key;
  }

  /** All tokens, revoked ones included, oldest first. */
  async list(): Promise<ApiToken[]> {
    const rows = await this.#db
      .selectFrom("api_tokens")
      .select(COLUMNS)
      .orderBy("created_at", "asc")
      .orderBy("id", "asc")
      .execute();
    return rows.map(fromRow);
  }

  /** True when a live token was revoked by this call. */
  async revoke(id: string, now = Date.now()): Promise<boolean> {
    const result = await this.#db
      .updateTable("api_tokens")
      .set({ revoked_at: now })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async touch(id: string, now: number): Promise<void> {
    await this.#db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", id).execute();
  }

  /** Number of live tokens. */
  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom("api_tokens")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("revoked_at", "is", null)
      .executeTakeFirstOrThrow();
    return row.count;
  }
}
