/**
 * PostgreSQL LISTEN/NOTIFY on one channel: one listening connection per process, opened again
 * (with a pause that grows) whenever it breaks; messages go out through the pool, one at a time so
 * that they arrive in the order they were sent. A reconnect is reported, because whatever was sent
 * while the connection was down is lost and must be read from the database.
 */
import { sql } from "kysely";
import type pg from "pg";
import type { Database } from "./database.ts";

/** PostgreSQL refuses payloads of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7_900;
const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

export interface NotificationHandlers {
  message(payload: string): void;
  /** The listening connection was down and is back: messages may have been missed. */
  reconnected(): void;
  /** The listening connection broke or could not be opened (it is being opened again). */
  failed(error: unknown): void;
}

export class PgNotifications {
  private readonly database: Database;
  private readonly channel: string;
  private readonly handlers: NotificationHandlers;
  private client: pg.Client | undefined;
  private closed = false;
  private retry = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(database: Database, channel: string, handlers: NotificationHandlers) {
    if (!database.connect) throw new Error("LISTEN/NOTIFY needs PostgreSQL");
    this.database = database;
    this.channel = channel;
    this.handlers = handlers;
  }

  /** Resolves once listening (the first time); later breaks are mended in the background. */
  async start(): Promise<void> {
    await this.listen();
  }

  /** Listening now: a message sent by anyone reaches this process. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async notify(payload: string): Promise<void> {
    await sql`select pg_notify(${this.channel}, ${payload})`.execute(this.database.db);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    const client = await (this.database.connect as () => Promise<pg.Client>)();
    client.on("notification", (message) => {
      if (message.channel === this.channel && message.payload !== undefined)
        this.handlers.message(message.payload);
    });
    client.once("end", () => this.broken(client, new Error("the listening connection ended")));
    client.once("error", (error) => this.broken(client, error));
    await client.query(`listen ${quoteIdentifier(this.channel)}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    this.retry = 0;
  }

  private broken(client: pg.Client, error: unknown): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    void client.end().catch(() => {});
    this.handlers.failed(error);
    this.reopen();
  }

  private reopen(): void {
    const delay = RETRY_MS[Math.min(this.retry++, RETRY_MS.length - 1)];
    this.retryTimer = setTimeout(() => {
      this.listen().then(
        () => this.handlers.reconnected(),
        (error: unknown) => {
          this.handlers.failed(error);
          if (!this.closed) this.reopen();
        },
      );
    }, delay);
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
