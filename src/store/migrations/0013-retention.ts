/**
 * Retention: when a prediction's files and data go (`retain_until`, from a per-request
 * `retention_ms`, or the gateway's default counted from `completed_at`) and when they went
 * (`data_removed_at`); which stored blobs each prediction holds (`prediction_files`, so a shared,
 * content-addressed blob is deleted only once nothing holds it); and the blobs being deleted right
 * now (`blob_removals`), so a new prediction that stores the same bytes meanwhile stores them again.
 */
import { type Kysely, type SqlBool, sql } from "kysely";
import type { Migration } from "kysely/migration";
import { fileKeysOf } from "../../core/output.ts";

const BACKFILL_PAGE = 500;

export const retention: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("predictions").addColumn("retention_ms", "bigint").execute();
    await db.schema.alterTable("predictions").addColumn("retain_until", "bigint").execute();
    await db.schema.alterTable("predictions").addColumn("data_removed_at", "bigint").execute();
    await db.schema
      .createIndex("predictions_retain_until")
      .on("predictions")
      .column("retain_until")
      .where(() => sql<SqlBool>`retain_until is not null and data_removed_at is null`)
      .execute();
    await db.schema
      .createIndex("predictions_default_retention")
      .on("predictions")
      .column("completed_at")
      .where(() => sql<SqlBool>`retain_until is null and data_removed_at is null`)
      .execute();
    await db.schema
      .createTable("prediction_files")
      .addColumn("storage_key", "text", (c) => c.notNull())
      .addColumn("prediction_id", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("prediction_files_pkey", ["storage_key", "prediction_id"])
      .execute();
    await db.schema
      .createIndex("prediction_files_prediction")
      .on("prediction_files")
      .column("prediction_id")
      .execute();
    await db.schema
      .createTable("blob_removals")
      .addColumn("storage_key", "text", (c) => c.primaryKey())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("favorites_prediction").on("favorites").column("prediction_id").execute();
    await backfillPredictionFiles(db as Kysely<BackfillDb>);
  },
};

interface BackfillDb {
  predictions: { id: string; output: string | null };
  prediction_files: { storage_key: string; prediction_id: string };
}

/** Records the blobs of the outputs stored before this migration, a page at a time. */
async function backfillPredictionFiles(db: Kysely<BackfillDb>): Promise<void> {
  let after = "";
  for (;;) {
    const rows = await db
      .selectFrom("predictions")
      .select(["id", "output"])
      .where("id", ">", after)
      .where("output", "like", '%"$file"%')
      .orderBy("id")
      .limit(BACKFILL_PAGE)
      .execute();
    const refs = rows.flatMap((row) =>
      [...new Set(fileKeysOf(parseOrNull(row.output)))].map((key) => ({
        storage_key: key,
        prediction_id: row.id,
      })),
    );
    if (refs.length > 0) await db.insertInto("prediction_files").values(refs).execute();
    if (rows.length < BACKFILL_PAGE) return;
    after = rows[rows.length - 1]?.id ?? after;
  }
}

function parseOrNull(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
