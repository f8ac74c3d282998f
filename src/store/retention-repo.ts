/**
 * Retention's bookkeeping: which blobs each prediction holds, which predictions are due for data
 * removal, and the removal itself. A blob is shared by every prediction whose output had the same
 * bytes, so a removal deletes it only when nothing else holds it. Holding and removing a blob take
 * the same per-blob lock (a PostgreSQL advisory lock; SQLite runs one transaction at a time), so a
 * prediction that stores the same bytes while they are being deleted always learns it.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { CompiledShapes } from "./compiled-shapes.ts";
import type { Database } from "./database.ts";
import type { DB } from "./schema.ts";

/** What a removal changed: the blobs nothing holds any more, marked as being deleted. */
export interface DataRemoval {
  orphanKeys: string[];
}

/** The row's fields that a removal rewrites. */
export interface RemovedData {
  input: Record<string, unknown>;
  route: string | null;
}

export class RetentionRepo {
  readonly #db: Kysely<DB>;
  readonly #dialect: Database["dialect"];
  readonly #shapes = new CompiledShapes();

  constructor(db: Kysely<DB>, dialect: Database["dialect"]) {
    this.#db = db;
    this.#dialect = dialect;
  }

  /**
   * Records that `predictionId` holds the blob `key`; true when the blob is being deleted right
   * now (the caller must store its bytes again once that is over).
   */
  async hold(predictionId: string, key: string): Promise<boolean> {
    // One statement: the hold, and whether the blob is being deleted, as that hold saw it.
    const hold = async (db: Kysely<DB>) => {
      const [held] = await this.#shapes.run(db, "hold", [key, predictionId, key], () =>
        db
          .insertInto("prediction_files")
          .values({ storage_key: key, prediction_id: predictionId })
          // Rewritten in place rather than skipped, so that the row (and the answer) comes back.
          .onConflict((oc) =>
            oc
              .columns(["storage_key", "prediction_id"])
              .doUpdateSet({ storage_key: (eb) => eb.ref("excluded.storage_key") }),
          )
          .returning((eb) =>
            eb
              .exists(eb.selectFrom("blob_removals").select("storage_key").where("storage_key", "=", key))
              .as("being_deleted"),
          ),
      );
      if (!held) throw new Error(`the hold of ${key} by ${predictionId} was not stored`);
      return Boolean(held.being_deleted);
    };
    // SQLite runs one statement at a time, each its own transaction: no lock to take around it.
    if (this.#dialect !== "postgres") return hold(this.#db);
    return this.#db.transaction().execute(async (trx) => {
      await this.#lockBlob(trx, key);
      return hold(trx);
    });
  }

  /**
   * Gives every ended prediction kept by the gateway's default (`defaultMs`) its removal time, once
   * it is due: a change of the default applies to predictions not given a time yet.
   */
  async scheduleByDefault(defaultMs: number, now: number): Promise<void> {
    await this.#db
      .updateTable("predictions")
      .set({ retain_until: sql<number>`completed_at + ${defaultMs}` })
      .where("retain_until", "is", null)
      .where("data_removed_at", "is", null)
      .where("completed_at", "<=", now - defaultMs)
      .execute();
  }

  /** Ids of predictions whose data is due for removal at `now`, soonest first. */
  async due(now: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("predictions")
      .select("id")
      .where("data_removed_at", "is", null)
      .where("retain_until", "<=", now)
      .orderBy("retain_until")
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Whether a favourite or a LoRA (its training or a sample) keeps the prediction whole. */
  async isKept(predictionId: string): Promise<boolean> {
    const favorite = await this.#db
      .selectFrom("favorites")
      .select("prediction_id")
      .where("prediction_id", "=", predictionId)
      .executeTakeFirst();
    if (favorite) return true;
    const lora = await this.#db
      .selectFrom("loras")
      .select("id")
      .where((eb) =>
        eb.or([eb("training_id", "=", predictionId), eb("sample_ids", "like", `%"${predictionId}"%`)]),
      )
      .executeTakeFirst();
    return lora !== undefined;
  }

  /** Moves a kept prediction's removal time to `until`, to look at it again then. */
  async postpone(predictionId: string, until: number): Promise<void> {
    await this.#db
      .updateTable("predictions")
      .set({ retain_until: until })
      .where("id", "=", predictionId)
      .execute();
  }

  /** Whether another prediction whose data is kept names `text` in its input. */
  async inputNamedElsewhere(predictionId: string, text: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom("predictions")
      .select("id")
      .where("data_removed_at", "is", null)
      .where("id", "!=", predictionId)
      .where("input", "like", `%${text}%`)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Removes the data of an ended prediction: input, output and logs cleared, its batch item's
   * input too, its favourites gone, its blobs released. Null when its data was removed already
   * (by another process, say), or it has not ended.
   */
  remove(predictionId: string, data: RemovedData, now: number): Promise<DataRemoval | null> {
    return this.#db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("predictions")
        .set({
          input: JSON.stringify(data.input),
          route: data.route,
          output: null,
          logs: "",
          data_removed_at: now,
        })
        .where("id", "=", predictionId)
        .where("data_removed_at", "is", null)
        .where("completed_at", "is not", null)
        .executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) return null;
      await trx
        .updateTable("batch_items")
        .set({ input: "{}" })
        .where("prediction_id", "=", predictionId)
        .execute();
      await trx.deleteFrom("favorites").where("prediction_id", "=", predictionId).execute();
      const held = await trx
        .deleteFrom("prediction_files")
        .where("prediction_id", "=", predictionId)
        .returning("storage_key")
        .execute();
      const orphanKeys: string[] = [];
      for (const key of held.map((row) => row.storage_key).sort()) {
        if (await this.#markIfOrphan(trx, key, now)) orphanKeys.push(key);
      }
      return { orphanKeys };
    });
  }

  /** Blobs marked as being deleted before `startedBefore`: a removal that stopped half-way. */
  async staleRemovals(startedBefore: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("blob_removals")
      .select("storage_key")
      .where("started_at", "<", startedBefore)
      .limit(limit)
      .execute();
    return rows.map((row) => row.storage_key);
  }

  /** Whether the blob may still be deleted: nothing has held it since it was marked. */
  isOrphan(key: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await this.#lockBlob(trx, key);
      return !(await this.#isHeld(trx, key));
    });
  }

  /** Ends a blob's deletion: a prediction holding the same bytes may store them again. */
  async removed(key: string): Promise<void> {
    await this.#db.deleteFrom("blob_removals").where("storage_key", "=", key).execute();
  }

  async #markIfOrphan(trx: Transaction<DB>, key: string, now: number): Promise<boolean> {
    await this.#lockBlob(trx, key);
    if (await this.#isHeld(trx, key)) return false;
    await trx
      .insertInto("blob_removals")
      .values({ storage_key: key, started_at: now })
      .onConflict((oc) => oc.column("storage_key").doUpdateSet({ started_at: now }))
      .execute();
    return true;
  }

  async #isHeld(trx: Transaction<DB>, key: string): Promise<boolean> {
    const byPrediction = await trx
      .selectFrom("prediction_files")
      .select("prediction_id")
      .where("storage_key", "=", key)
      .executeTakeFirst();
    if (byPrediction) return true;
    const byLora = await trx
      .selectFrom("loras")
      .select("id")
      .where((eb) => eb.or([eb("zip_key", "=", key), eb("weights_key", "=", key)]))
      .executeTakeFirst();
    return byLora !== undefined;
  }

  /**
   * Runs `sweep` unless another process is sweeping (PostgreSQL: a session advisory lock, held on a
   * connection of its own while `sweep` works through the pool); false when it did not run.
   */
  async exclusively(sweep: () => Promise<void>): Promise<boolean> {
    if (this.#dialect !== "postgres") {
      await sweep();
      return true;
    }
    return this.#db.connection().execute(async (connection) => {
      const { rows } = await sql<{ locked: boolean }>`
        select pg_try_advisory_lock(hashtext(current_schema() || ':retention-sweep')) as locked`.execute(
        connection,
      );
      if (!rows[0]?.locked) return false;
      try {
        await sweep();
        return true;
      } finally {
        await sql`select pg_advisory_unlock(hashtext(current_schema() || ':retention-sweep'))`.execute(
          connection,
        );
      }
    });
  }

  /** Until the transaction ends; SQLite's single writer needs no lock of its own. */
  async #lockBlob(trx: Transaction<DB>, key: string): Promise<void> {
    if (this.#dialect !== "postgres") return;
    await sql`select pg_advisory_xact_lock(hashtext(current_schema()), hashtext(${key}))`.execute(trx);
  }
}
