/** Telegram Stars payments: credited once per `telegram_payment_charge_id`, refunded at most once. */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";

export interface TelegramPayment {
  chargeId: string;
  userId: number;
  stars: number;
  images: number;
  refundedAt: number | null;
}

export class TelegramPaymentsRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Records a payment and adds its images to the user's credits, in one transaction; false when seen before. */
  async credit(payment: Omit<TelegramPayment, "refundedAt">, now = Date.now()): Promise<boolean> {
    return this.#db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto("telegram_payments")
        .values({
          charge_id: payment.chargeId,
          user_id: payment.userId,
          stars: payment.stars,
          images: payment.images,
          created_at: now,
          refunded_at: null,
        })
        .onConflict((oc) => oc.column("charge_id").doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await tx
        .updateTable("telegram_users")
        .set((eb) => ({ credits: eb("credits", "+", payment.images) }))
        .where("user_id", "=", payment.userId)
        .execute();
      return true;
    });
  }

  async get(chargeId: string): Promise<TelegramPayment | undefined> {
    const row = await this.#db
      .selectFrom("telegram_payments")
      .selectAll()
      .where("charge_id", "=", chargeId)
      .executeTakeFirst();
    return (
      row && {
        chargeId: row.charge_id,
        userId: Number(row.user_id),
        stars: row.stars,
        images: row.images,
        refundedAt: row.refunded_at,
      }
    );
  }

  /**
   * Marks a payment refunded and takes back its unused images (never below zero); false when it
   * was refunded already. Call it after Telegram accepted the refund.
   */
  async markRefunded(chargeId: string, now = Date.now()): Promise<boolean> {
    return this.#db.transaction().execute(async (tx) => {
      const payment = await tx
        .updateTable("telegram_payments")
        .set({ refunded_at: now })
        .where("charge_id", "=", chargeId)
        .where("refunded_at", "is", null)
        .returning(["user_id", "images"])
        .executeTakeFirst();
      if (!payment) return false;
      await tx
        .updateTable("telegram_users")
        .set({
          credits: sql<number>`case when credits > ${payment.images} then credits - ${payment.images} else 0 end`,
        })
        .where("user_id", "=", payment.user_id)
        .execute();
      return true;
    });
  }
}
