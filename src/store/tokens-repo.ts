/** API tokens. Only a hash of each token is stored; the token itself is shown once, at creation. */
import type { Kysely, Selectable } from "kysely";
import { hashApiToken, newApiToken } from "../core/api-tokens.ts";
import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import { DEFAULT_SCOPES, type Limits, SCOPES, type Scope } from "../core/limits.ts";
import type { DB } from "./schema.ts";
import type { Tenant } from "./tenants-repo.ts";
import { TokenCache } from "./token-cache.ts";

export interface ApiToken {
  id: string;
  name: string;
  scopes: Scope[];
  /** Holds the `admin` scope: sees and manages everything. */
  isAdmin: boolean;
  tenant: Tenant | null;
  limits: Limits;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface NewToken {
  name: string;
  /** Default: every scope but `admin`, or every scope when `isAdmin`. */
  scopes?: readonly Scope[];
  isAdmin?: boolean;
  tenantId?: string | null;
  limits?: Limits;
}

const TOKEN_COLUMNS = [
  "api_tokens.id",
  "api_tokens.name",
  "api_tokens.scopes",
  "api_tokens.limits",
  "api_tokens.created_at",
  "api_tokens.last_used_at",
  "api_tokens.revoked_at",
  "api_tokens.tenant_id",
  "tenants.name as tenant_name",
  "tenants.limits as tenant_limits",
  "tenants.created_at as tenant_created_at",
] as const;

type TokenRow = Pick<
  Selectable<DB["api_tokens"]>,
  "id" | "name" | "scopes" | "limits" | "created_at" | "last_used_at" | "revoked_at" | "tenant_id"
> & { tenant_name: string | null; tenant_limits: string | null; tenant_created_at: number | null };

function fromRow(row: TokenRow): ApiToken {
  const scopes = (JSON.parse(row.scopes) as string[]).filter((s): s is Scope => SCOPES.includes(s as Scope));
  return {
    id: row.id,
    name: row.name,
    scopes,
    isAdmin: scopes.includes("admin"),
    tenant:
      row.tenant_id === null || row.tenant_name === null
        ? null
        : {
            id: row.tenant_id,
            name: row.tenant_name,
            limits: JSON.parse(row.tenant_limits ?? "{}") as Limits,
            createdAt: row.tenant_created_at ?? 0,
          },
    limits: JSON.parse(row.limits) as Limits,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export class TokensRepo {
  readonly #db: Kysely<DB>;
  readonly #cache: TokenCache;

  constructor(db: Kysely<DB>, cache: TokenCache = new TokenCache()) {
    this.#db = db;
    this.#cache = cache;
  }

  #select() {
    return this.#db
      .selectFrom("api_tokens")
      .leftJoin("tenants", "tenants.id", "api_tokens.tenant_id")
      .select(TOKEN_COLUMNS);
  }

  async create(token: NewToken & { tokenHash: string }, now = Date.now()): Promise<ApiToken> {
    const scopes = token.scopes ?? (token.isAdmin ? SCOPES : DEFAULT_SCOPES);
    const id = newId();
    await this.#db
      .insertInto("api_tokens")
      .values({
        id,
        name: token.name,
        token_hash: token.tokenHash,
        scopes: JSON.stringify(scopes),
        limits: JSON.stringify(token.limits ?? {}),
        tenant_id: token.tenantId ?? null,
        created_at: now,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    const created = await this.get(id);
    if (!created) throw new GatewayError("internal", `token ${id} was not stored`);
    return created;
  }

  /** A new token: its secret, to show this once (only its hash is kept), and the stored token. */
  async issue(token: NewToken): Promise<{ secret: string; token: ApiToken }> {
    const secret = newApiToken();
    return { secret, token: await this.create({ ...token, tokenHash: hashApiToken(secret) }) };
  }

  /** The live (not revoked) token with this hash, with its tenant. */
  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const row = await this.#select()
      .where("api_tokens.token_hash", "=", tokenHash)
      .where("api_tokens.revoked_at", "is", null)
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /**
   * `findByHash` as it was at most TOKEN_CACHE_MS ago, for authenticating requests; a change made
   * through this store is seen at once.
   */
  authenticate(tokenHash: string): Promise<ApiToken | null> {
    return this.#cache.get(tokenHash, () => this.findByHash(tokenHash));
  }

  /** A token by id, revoked or not. */
  async get(id: string): Promise<ApiToken | null> {
    const row = await this.#select().where("api_tokens.id", "=", id).executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Changes a live token's limits; null when there is no such live token. */
  async setLimits(id: string, limits: Limits): Promise<ApiToken | null> {
    const result = await this.#db
      .updateTable("api_tokens")
      .set({ limits: JSON.stringify(limits) })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    this.#cache.clear();
    return result.numUpdatedRows === 1n ? this.get(id) : null;
  }

  /** Moves a live token into a tenant (null: out of any); false when there is no such live token. */
  async setTenant(id: string, tenantId: string | null): Promise<boolean> {
    const result = await this.#db
      .updateTable("api_tokens")
      .set({ tenant_id: tenantId })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    this.#cache.clear();
    return result.numUpdatedRows === 1n;
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

  /** All tokens (of one tenant when given), revoked ones included, oldest first. */
  async list(options: { tenantId?: string } = {}): Promise<ApiToken[]> {
    let query = this.#select().orderBy("api_tokens.created_at", "asc").orderBy("api_tokens.id", "asc");
    if (options.tenantId !== undefined) query = query.where("api_tokens.tenant_id", "=", options.tenantId);
    return (await query.execute()).map(fromRow);
  }

  /** True when a live token was revoked by this call. */
  async revoke(id: string, now = Date.now()): Promise<boolean> {
    const result = await this.#db
      .updateTable("api_tokens")
      .set({ revoked_at: now })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    this.#cache.clear();
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
