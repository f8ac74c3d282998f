/** Tenants: groups of tokens with their own budget and limits, which each of their tokens must also pass. */
import type { Kysely, Selectable } from "kysely";
import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import type { Limits } from "../core/limits.ts";
import type { DB } from "./schema.ts";
import type { TokenCache } from "./token-cache.ts";

export interface Tenant {
  id: string;
  name: string;
  limits: Limits;
  createdAt: number;
}

function fromRow(row: Selectable<DB["tenants"]>): Tenant {
  return { id: row.id, name: row.name, limits: JSON.parse(row.limits) as Limits, createdAt: row.created_at };
}

export class TenantsRepo {
  readonly #db: Kysely<DB>;
  /** Tokens carry their tenant's limits: a change here is a change to them. */
  readonly #tokens: TokenCache;

  constructor(db: Kysely<DB>, tokens: TokenCache) {
    this.#db = db;
    this.#tokens = tokens;
  }

  async create(tenant: { name: string; limits: Limits }, now = Date.now()): Promise<Tenant> {
    if (await this.byName(tenant.name))
      throw new GatewayError("conflict", `a tenant named ${tenant.name} exists`);
    const created = { id: newId(), name: tenant.name, limits: tenant.limits, createdAt: now };
    await this.#db
      .insertInto("tenants")
      .values({ id: created.id, name: created.name, limits: JSON.stringify(created.limits), created_at: now })
      .execute();
    return created;
  }

  async get(id: string): Promise<Tenant | null> {
    const row = await this.#db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  async byName(name: string): Promise<Tenant | null> {
    const row = await this.#db.selectFrom("tenants").selectAll().where("name", "=", name).executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.#db
      .selectFrom("tenants")
      .selectAll()
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(fromRow);
  }

  async setLimits(id: string, limits: Limits): Promise<Tenant | null> {
    const result = await this.#db
      .updateTable("tenants")
      .set({ limits: JSON.stringify(limits) })
      .where("id", "=", id)
      .executeTakeFirst();
    this.#tokens.clear();
    return result.numUpdatedRows === 1n ? this.get(id) : null;
  }

  /** Removes a tenant no live token belongs to; false when there is none by that id. */
  async remove(id: string): Promise<boolean> {
    const live = await this.#db
      .selectFrom("api_tokens")
      .select("id")
      .where("tenant_id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (live) throw new GatewayError("conflict", `tenant ${id} still has live tokens; revoke them first`);
    const result = await this.#db.deleteFrom("tenants").where("id", "=", id).executeTakeFirst();
    this.#tokens.clear();
    return result.numDeletedRows === 1n;
  }
}
