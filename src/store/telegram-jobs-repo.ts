/**
 * The bot's jobs: a prediction or a LoRA whose result is still to be sent to a chat. Delivery is
 * claimed before sending, so each result reaches its chat once, from whichever process sees it end.
 */
import type { Kysely, Selectable } from "kysely";
import type { DB, TelegramJobsTable } from "./schema.ts";

export type TelegramJobKind = TelegramJobsTable["kind"];

export interface TelegramJob {
  id: string;
  userId: number;
  chatId: number;
  kind: TelegramJobKind;
  workId: string;
  request: Record<string, unknown>;
  images: number;
  statusMessageId: number | null;
  state: TelegramJobsTable["state"];
  /** The seed of the delivered result, when the model reported one. */
  seed: number | null;
  createdAt: number;
}

function fromRow(row: Selectable<TelegramJobsTable>): TelegramJob {
  return {
    id: row.id,
    userId: Number(row.user_id),
    chatId: Number(row.chat_id),
    kind: row.kind,
    workId: row.work_id,
    request: JSON.parse(row.request) as Record<string, unknown>,
    images: row.images,
    statusMessageId: row.status_message_id === null ? null : Number(row.status_message_id),
    state: row.state,
    seed: row.seed === null ? null : Number(row.seed),
    createdAt: row.created_at,
  };
}

export class TelegramJobsRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async create(
    job: Pick<
      TelegramJob,
      "id" | "userId" | "chatId" | "kind" | "workId" | "request" | "images" | "statusMessageId"
    >,
    now = Date.now(),
  ): Promise<TelegramJob> {
    await this.#db
      .insertInto("telegram_jobs")
      .values({
        id: job.id,
        user_id: job.userId,
        chat_id: job.chatId,
        kind: job.kind,
        work_id: job.workId,
        request: JSON.stringify(job.request),
        images: job.images,
        status_message_id: job.statusMessageId,
        state: "running",
        claimed_at: null,
        seed: null,
        created_at: now,
        delivered_at: null,
      })
      .execute();
    return { ...job, state: "running", seed: null, createdAt: now };
  }

  async get(id: string): Promise<TelegramJob | undefined> {
    const row = await this.#db
      .selectFrom("telegram_jobs")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Jobs not delivered yet (a claim older than `staleBefore` belonged to a process that died). */
  async undelivered(staleBefore: number): Promise<TelegramJob[]> {
    const rows = await this.#db
      .selectFrom("telegram_jobs")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("state", "=", "running"),
          eb.and([eb("state", "=", "delivering"), eb("claimed_at", "<", staleBefore)]),
        ]),
      )
      .orderBy("created_at")
      .execute();
    return rows.map(fromRow);
  }

  /** The user's jobs still running, newest first. */
  async running(userId: number): Promise<TelegramJob[]> {
    const rows = await this.#db
      .selectFrom("telegram_jobs")
      .selectAll()
      .where("user_id", "=", userId)
      .where("state", "!=", "delivered")
      .orderBy("created_at", "desc")
      .execute();
    return rows.map(fromRow);
  }

  /** Images asked for by the user's jobs since `since`. */
  async imagesSince(userId: number, since: number): Promise<number> {
    const row = await this.#db
      .selectFrom("telegram_jobs")
      .select((eb) => eb.fn.sum<number | string | null>("images").as("images"))
      .where("user_id", "=", userId)
      .where("created_at", ">=", since)
      .executeTakeFirst();
    return Number(row?.images ?? 0);
  }

  /** Claims the job for delivery; false when another process delivers (or delivered) it. */
  async claimDelivery(job: TelegramJob, now: number, staleBefore: number): Promise<boolean> {
    const result = await this.#db
      .updateTable("telegram_jobs")
      .set({ state: "delivering", claimed_at: now })
      .where("id", "=", job.id)
      .where((eb) =>
        eb.or([
          eb("state", "=", "running"),
          eb.and([eb("state", "=", "delivering"), eb("claimed_at", "<", staleBefore)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Lets go of a claim without delivering (the work is not finished after all). */
  async release(id: string): Promise<void> {
    await this.#db
      .updateTable("telegram_jobs")
      .set({ state: "running", claimed_at: null })
      .where("id", "=", id)
      .where("state", "=", "delivering")
      .execute();
  }

  async delivered(id: string, seed: number | null, now = Date.now()): Promise<void> {
    await this.#db
      .updateTable("telegram_jobs")
      .set({ state: "delivered", seed, delivered_at: now })
      .where("id", "=", id)
      .execute();
  }
}
