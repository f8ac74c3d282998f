/** Batches and their items. An item points at its current prediction; a retry points it at a new one. */
import type { Kysely, Selectable } from "kysely";
import type { Batch, BatchItemRequest } from "../core/batch.ts";
import { type Prediction, UNFINISHED_STATES } from "../core/prediction.ts";
import { inTransaction } from "./in-transaction.ts";
import { toJson } from "./json.ts";
import { type KeysetCursor, newestFirst } from "./newest-first.ts";
import { fromPredictionRow, predictionRow, type StoredPrediction } from "./prediction-row.ts";
import type { BatchesTable, DB } from "./schema.ts";

/** Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound parameters. */
const INSERT_CHUNK = 500;

/** An item's request and its current prediction. */
export interface BatchItem extends BatchItemRequest {
  prediction: StoredPrediction;
}

export interface ListBatchesOptions {
  tokenId?: string;
  limit: number;
  before?: KeysetCursor;
}

function toRow(batch: Batch): Selectable<BatchesTable> {
  return {
    id: batch.id,
    token_id: batch.tokenId,
    idempotency_key: batch.idempotencyKey,
    request_hash: batch.requestHash,
    name_template: batch.nameTemplate,
    concurrency: batch.concurrency,
    webhook: batch.webhook,
    status: batch.status,
    item_count: batch.itemCount,
    created_at: batch.createdAt,
    completed_at: batch.completedAt,
  };
}

function fromRow(row: Selectable<BatchesTable>): Batch {
  return {
    id: row.id,
    tokenId: row.token_id,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    nameTemplate: row.name_template,
    concurrency: row.concurrency,
    webhook: row.webhook,
    status: row.status,
    itemCount: row.item_count,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += INSERT_CHUNK) out.push(items.slice(i, i + INSERT_CHUNK));
  return out;
}

export class BatchesRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Stores the batch, its items and their predictions, all or nothing. */
  async create(
    batch: Batch,
    items: readonly (BatchItemRequest & { prediction: Prediction })[],
    db: Kysely<DB> = this.#db,
  ): Promise<void> {
    await inTransaction(db, async (trx) => {
      await trx.insertInto("batches").values(toRow(batch)).execute();
      for (const chunk of chunks(items)) {
        await trx
          .insertInto("predictions")
          .values(chunk.map((item) => predictionRow(item.prediction)))
          .execute();
        await trx
          .insertInto("batch_items")
          .values(
            chunk.map((item) => ({
              batch_id: batch.id,
              item_index: item.index,
              prediction_id: item.prediction.id,
              model: item.model,
              input: JSON.stringify(item.input),
              output_path: item.outputPath ?? null,
              metadata: toJson(item.metadata),
            })),
          )
          .execute();
      }
    });
  }

  async get(id: string): Promise<Batch | null> {
    const row = await this.#db.selectFrom("batches").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  async findByIdempotencyKey(key: string): Promise<Batch | null> {
    const row = await this.#db
      .selectFrom("batches")
      .selectAll()
      .where("idempotency_key", "=", key)
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Newest first, by (createdAt, id) descending. */
  async list(options: ListBatchesOptions): Promise<Batch[]> {
    let query = this.#db.selectFrom("batches").selectAll();
    if (options.tokenId !== undefined) query = query.where("token_id", "=", options.tokenId);
    const rows = await newestFirst(query, options.limit, options.before).execute();
    return rows.map(fromRow);
  }

  /** Every item with its current prediction, in index order. */
  async items(batchId: string): Promise<BatchItem[]> {
    const rows = await this.#db
      .selectFrom("batch_items")
      .innerJoin("predictions", "predictions.id", "batch_items.prediction_id")
      .selectAll("predictions")
      .select([
        "batch_items.item_index",
        "batch_items.model as item_model",
        "batch_items.input as item_input",
        "batch_items.output_path as item_output_path",
        "batch_items.metadata as item_metadata",
      ])
      .where("batch_items.batch_id", "=", batchId)
      .orderBy("batch_items.item_index", "asc")
      .execute();
    return rows.map((row) => ({
      index: row.item_index,
      model: row.item_model,
      input: JSON.parse(row.item_input) as Record<string, unknown>,
      ...(row.item_output_path !== null && { outputPath: row.item_output_path }),
      ...(row.item_metadata !== null && {
        metadata: JSON.parse(row.item_metadata) as Record<string, unknown>,
      }),
      prediction: fromPredictionRow(row),
    }));
  }

  /** Points the given items at new predictions and reopens the batch, all or nothing. */
  async replaceItems(
    batchId: string,
    items: readonly { index: number; prediction: Prediction }[],
    db: Kysely<DB> = this.#db,
  ): Promise<void> {
    if (items.length === 0) return;
    await inTransaction(db, async (trx) => {
      for (const chunk of chunks(items)) {
        await trx
          .insertInto("predictions")
          .values(chunk.map((item) => predictionRow(item.prediction)))
          .execute();
      }
      for (const item of items) {
        await trx
          .updateTable("batch_items")
          .set({ prediction_id: item.prediction.id })
          .where("batch_id", "=", batchId)
          .where("item_index", "=", item.index)
          .execute();
      }
      await trx
        .updateTable("batches")
        .set({ status: "processing", completed_at: null })
        .where("id", "=", batchId)
        .execute();
    });
  }

  /**
   * Marks a processing batch completed once none of its items is unfinished; the batch, or null.
   * One probe of `predictions_batch_id_state` for the batch's unfinished predictions, whatever its
   * size: an item's earlier predictions (replaced by a retry) ended, so only current ones can be live.
   */
  async completeIfDone(id: string, now: number): Promise<Batch | null> {
    const row = await this.#db
      .updateTable("batches")
      .set({ status: "completed", completed_at: now })
      .where("id", "=", id)
      .where("status", "=", "processing")
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("predictions")
              .select("predictions.id")
              .where("predictions.batch_id", "=", id)
              .where("predictions.state", "in", UNFINISHED_STATES),
          ),
        ),
      )
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Marks the batch canceled unless it already is; the batch, or null. */
  async markCanceled(id: string, now: number): Promise<Batch | null> {
    const row = await this.#db
      .updateTable("batches")
      .set({ status: "canceled", completed_at: now })
      .where("id", "=", id)
      .where("status", "!=", "canceled")
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  async processingIds(): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("batches")
      .select("id")
      .where("status", "=", "processing")
      .execute();
    return rows.map((row) => row.id);
  }
}
