import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

/** Runs `work` in `db` when it is already a transaction (the caller's), else in a new one. */
export function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
