/**
 * This process's link to the others of a queue-mode deployment, over PostgreSQL LISTEN/NOTIFY:
 * messages sent while a NOTIFY is on its way are packed into the next one (wake-ups of one kind
 * only once), and messages from other processes are handed to the receivers.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Database } from "../../store/database.ts";
import { MAX_NOTIFY_BYTES, PgNotifications } from "../../store/pg-notifications.ts";
import { type ClusterMessage, type Envelope, pack } from "./cluster-messages.ts";

export interface ClusterReceiver {
  received(message: ClusterMessage): void;
  /** Messages may have been missed (the listening connection broke): read what matters again. */
  resync(): void;
}

export class ClusterLink {
  private readonly process = randomUUID();
  private readonly notifications: PgNotifications;
  private readonly logger: Logger;
  private readonly receivers: ClusterReceiver[] = [];
  private pending: ClusterMessage[] = [];
  private sending: Promise<void> | undefined;

  constructor(database: Database, logger: Logger) {
    this.logger = logger;
    // Channels are server-wide: one per schema keeps deployments (and test schemas) apart.
    const channel = `gengate:${database.schema ?? "public"}`.slice(0, 63);
    this.notifications = new PgNotifications(database, channel, {
      message: (payload) => this.receive(payload),
      reconnected: () => {
        logger.info("listening for other processes again; reading what may have been missed");
        for (const receiver of this.receivers) receiver.resync();
      },
      failed: (error) => logger.warn({ err: error }, "lost the connection that listens to other processes"),
    });
  }

  start(): Promise<void> {
    return this.notifications.start();
  }

  get healthy(): boolean {
    return this.notifications.listening;
  }

  addReceiver(receiver: ClusterReceiver): void {
    this.receivers.push(receiver);
  }

  send(message: ClusterMessage): void {
    if (message.t === "w" && this.pending.some((m) => m.t === "w" && m.k === message.k)) return;
    this.pending.push(message);
    this.kick();
  }

  private kick(): void {
    if (this.sending || this.pending.length === 0) return;
    this.sending = this.flush().finally(() => {
      this.sending = undefined;
      this.kick();
    });
  }

  async close(): Promise<void> {
    await this.sending;
    await this.notifications.close();
  }

  private async flush(): Promise<void> {
    const messages = this.pending;
    this.pending = [];
    for (const payload of pack(this.process, messages, MAX_NOTIFY_BYTES)) {
      await this.notifications.notify(payload).catch((error: unknown) => {
        // The others read the database when they next look; nothing is lost but time.
        this.logger.warn({ err: error }, "could not notify other processes");
      });
    }
  }

  private receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.p === this.process) return;
    for (const message of envelope.m) for (const receiver of this.receivers) receiver.received(message);
  }
}
