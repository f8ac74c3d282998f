/**
 * Provider webhooks received by a process that does not apply them itself (applying may call the
 * provider), kept as received until a worker takes them: one per prediction, the latest.
 */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

export interface ReceivedWebhook {
  predictionId: string;
  /** The provider's id of the work it is about, as recorded on the prediction when it came. */
  upstreamId: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

export class ReceivedWebhooksRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /**
   * Keeps `webhook` in place of any kept for its prediction: the work's end is told once (again
   * the same, when a provider repeats it), and one kept about earlier work of the prediction is stale.
   */
  async record(webhook: ReceivedWebhook): Promise<void> {
    const row = {
      upstream_id: webhook.upstreamId,
      url: webhook.url,
      headers: JSON.stringify(webhook.headers),
      body: webhook.body,
      received_at: webhook.receivedAt,
    };
    await this.#db
      .insertInto("received_webhooks")
      .values({ prediction_id: webhook.predictionId, ...row })
      .onConflict((oc) => oc.column("prediction_id").doUpdateSet(row))
      .execute();
  }

  /** Removes and returns the webhook kept for `predictionId`: one taker gets it. */
  async take(predictionId: string): Promise<ReceivedWebhook | null> {
    const row = await this.#db
      .deleteFrom("received_webhooks")
      .where("prediction_id", "=", predictionId)
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    return {
      predictionId: row.prediction_id,
      upstreamId: row.upstream_id,
      url: row.url,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
      receivedAt: Number(row.received_at),
    };
  }

  /** Forgets the webhooks of predictions that are no longer running (they ended another way); how many. */
  async forgetEnded(): Promise<number> {
    const result = await this.#db
      .deleteFrom("received_webhooks")
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("predictions")
              .select("predictions.id")
              .whereRef("predictions.id", "=", "received_webhooks.prediction_id")
              .where("predictions.state", "=", "running"),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
