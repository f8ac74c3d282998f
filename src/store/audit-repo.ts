/** The audit log: who did which admin action to what, from where, newest first. */
import type { Kysely, Selectable } from "kysely";
import { newId } from "../core/ids.ts";
import { type KeysetCursor, newestFirst } from "./newest-first.ts";
import type { DB } from "./schema.ts";

export interface AuditEntry {
  id: string;
  createdAt: number;
  actorTokenId: string;
  /** e.g. `tokens.create`, `tenants.update`. */
  action: string;
  /** The id of what it acted on. */
  target: string;
  detail: Record<string, unknown>;
  ip: string | null;
}

function fromRow(row: Selectable<DB["audit_log"]>): AuditEntry {
  return {
    id: row.id,
    createdAt: row.created_at,
    actorTokenId: row.actor_token_id,
    action: row.action,
    target: row.target,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    ip: row.ip,
  };
}

export class AuditRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async record(entry: Omit<AuditEntry, "id" | "createdAt">, now = Date.now()): Promise<AuditEntry> {
    const stored = { ...entry, id: newId(), createdAt: now };
    await this.#db
      .insertInto("audit_log")
      .values({
        id: stored.id,
        created_at: now,
        actor_token_id: entry.actorTokenId,
        action: entry.action,
        target: entry.target,
        detail: JSON.stringify(entry.detail),
        ip: entry.ip,
      })
      .execute();
    return stored;
  }

  async list(options: { limit: number; before?: KeysetCursor; action?: string }): Promise<AuditEntry[]> {
    let query = this.#db.selectFrom("audit_log").selectAll();
    if (options.action !== undefined) query = query.where("action", "=", options.action);
    return (await newestFirst(query, options.limit, options.before).execute()).map(fromRow);
  }
}
