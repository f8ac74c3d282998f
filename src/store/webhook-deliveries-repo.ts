/** The webhook outbox: one row per event to deliver, retried until delivered or given up. */
import { type Insertable, type Kysely, type Selectable, sql } from "kysely";
import type { WebhookEvent } from "../core/prediction.ts";
import type { Database } from "./database.ts";
import type { DB, WebhookDeliveriesTable, WebhookDeliveryState } from "./schema.ts";

export type { WebhookDeliveryState } from "./schema.ts";

export interface WebhookDelivery {
  /** The `webhook-id` header value, e.g. `msg_…`. */
  id: string;
  /** The prediction or batch the event is about. */
  subjectId: string;
  event: WebhookEvent;
  url: string;
  /** The request body, exactly as sent (and signed). */
  payload: string;
  state: WebhookDeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  /** The token whose key signs the delivery (the subject's); null for rows older than per-token keys. */
  tokenId: string | null;
  /** The W3C traceparent of the work that queued it (when tracing is on), continued by its sends. */
  traceParent?: string;
}

export interface DeliveryAttempt {
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  state: WebhookDeliveryState;
}

function fromRow(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    subjectId: row.subject_id,
    event: row.event,
    url: row.url,
    payload: row.payload,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    tokenId: row.token_id,
    ...(row.trace_parent !== null && { traceParent: row.trace_parent }),
  };
}

function toRow(delivery: WebhookDelivery): Insertable<WebhookDeliveriesTable> {
  return {
    id: delivery.id,
    subject_id: delivery.subjectId,
    event: delivery.event,
    url: delivery.url,
    payload: delivery.payload,
    state: delivery.state,
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt,
    last_status: delivery.lastStatus,
    last_error: delivery.lastError,
    created_at: delivery.createdAt,
    token_id: delivery.tokenId,
    trace_parent: delivery.traceParent ?? null,
  };
}

export class WebhookDeliveriesRepo {
  readonly #db: Kysely<DB>;
  readonly #dialect: Database["dialect"];

  constructor(db: Kysely<DB>, dialect: Database["dialect"]) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async insert(delivery: WebhookDelivery): Promise<void> {
    await this.#db.insertInto("webhook_deliveries").values(toRow(delivery)).execute();
  }

  /**
   * Inserts `delivery` unless a delivery of one of `events` about the same subject was created
   * less than `windowMs` before it; whether it did. Processes deciding at once decide in turn.
   */
  async insertUnlessRecent(
    delivery: WebhookDelivery,
    events: readonly WebhookEvent[],
    windowMs: number,
  ): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      // SQLite has one writer, and Kysely runs one transaction at a time on its one connection.
      if (this.#dialect === "postgres") {
        const lock = `webhook-deliveries:${delivery.subjectId}`;
        await sql`select pg_advisory_xact_lock(hashtextextended(${lock}, 0))`.execute(trx);
      }
      const recent = await trx
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("subject_id", "=", delivery.subjectId)
        .where("event", "in", events)
        .where("created_at", ">", delivery.createdAt - windowMs)
        .limit(1)
        .executeTakeFirst();
      if (recent) return false;
      await trx.insertInto("webhook_deliveries").values(toRow(delivery)).execute();
      return true;
    });
  }

  /** Pending deliveries whose next attempt is due, oldest due first. */
  async due(now: number, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.#db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("state", "=", "pending")
      .where("next_attempt_at", "<=", now)
      .orderBy("next_attempt_at", "asc")
      .orderBy("created_at", "asc")
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /**
   * Moves a pending delivery's next attempt to `nextAttemptAt` if it is still at `expected`,
   * so only one worker sends it. The claimed delivery, or null when another got there first.
   */
  async claim(id: string, expected: number, nextAttemptAt: number): Promise<WebhookDelivery | null> {
    const row = await this.#db
      .updateTable("webhook_deliveries")
      .set({ next_attempt_at: nextAttemptAt })
      .where("id", "=", id)
      .where("state", "=", "pending")
      .where("next_attempt_at", "=", expected)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Records a successful attempt (counted in `attempts`). */
  async markDelivered(id: string, status: number): Promise<void> {
    await this.#db
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        state: "delivered",
        attempts: eb("attempts", "+", 1),
        last_status: status,
        last_error: null,
      }))
      .where("id", "=", id)
      .execute();
  }

  /** Records a failed attempt: when to retry, or `state: "failed"` to give up. */
  async markAttempt(id: string, attempt: DeliveryAttempt): Promise<void> {
    await this.#db
      .updateTable("webhook_deliveries")
      .set({
        attempts: attempt.attempts,
        next_attempt_at: attempt.nextAttemptAt,
        last_status: attempt.lastStatus,
        last_error: attempt.lastError,
        state: attempt.state,
      })
      .where("id", "=", id)
      .execute();
  }

  async listForSubject(subjectId: string): Promise<WebhookDelivery[]> {
    const rows = await this.#db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("subject_id", "=", subjectId)
      .orderBy("created_at", "asc")
      .orderBy("id", "asc")
      .execute();
    return rows.map(fromRow);
  }
}
