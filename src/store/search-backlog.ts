/**
 * SQLite: the words of new predictions go into the search index in batches. A new prediction's id
 * is appended to `predictions_search_backlog` by the insert's trigger (one page written, where
 * indexing it at once wrote seven: FTS5's new segment, its content and sizes, its key row); the
 * backlog is indexed in one transaction every SEARCH_BATCH new predictions, and before every search, so
 * that a search finds every prediction stored before it. A backlog a crash left is indexed by the
 * next batch or search.
 */
import { type Kysely, sql } from "kysely";
import { sqliteSearchText } from "./migrations/0010-prediction-search.ts";
import type { DB } from "./schema.ts";

/** New predictions between two indexings: a few milliseconds of work each time. */
export const SEARCH_BATCH = 256;
/** Rows indexed per transaction: a large backlog (a batch's items) holds the database in short turns. */
const CHUNK = 1_000;

export class SearchBacklog {
  readonly #db: Kysely<DB>;
  #added = 0;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /**
   * Notes a new prediction, stored through `db` (a transaction of the caller's, or the database);
   * indexes the oldest of the backlog there once a batch has come. It never fails its caller, whose prediction
   * is stored: a failed indexing is tried again at the next batch, and the search that needs it
   * reports it.
   */
  async added(db: Kysely<DB>): Promise<void> {
    if (++this.#added < SEARCH_BATCH) return;
    this.#added = 0;
    await this.#indexChunkIn(db).catch(() => {
      this.#added = SEARCH_BATCH;
    });
  }

  /** Indexes every prediction in the backlog. */
  async index(): Promise<void> {
    while (await this.#indexChunkIn(this.#db)) {}
  }

  /** Indexes a chunk in `db` if it is a transaction, else in a transaction of its own. */
  #indexChunkIn(db: Kysely<DB>): Promise<boolean> {
    return db.isTransaction ? this.#indexChunk(db) : db.transaction().execute((trx) => this.#indexChunk(trx));
  }

  /** Indexes the oldest CHUNK of the backlog; false when it was empty. */
  async #indexChunk(trx: Kysely<DB>): Promise<boolean> {
    const {
      rows: [chunk],
    } = await sql<{ last: number | null }>`select max(seq) as last from
      (select seq from predictions_search_backlog order by seq limit ${CHUNK})`.execute(trx);
    if (chunk?.last == null) return false;
    const {
      rows: [top],
    } = await sql<{
      rowid: number;
    }>`select rowid from predictions_search order by rowid desc limit 1`.execute(trx);
    const after = top?.rowid ?? 0;
    // Rowids given past the index's last, so that the rows added are the ones after it.
    await sql`insert into predictions_search (rowid, id, body)
      select ${after} + row_number() over (order by backlog.seq), predictions.id,
        ${sql.raw(sqliteSearchText("predictions.input"))}
      from predictions_search_backlog as backlog join predictions on predictions.id = backlog.id
      where backlog.seq <= ${chunk.last}`.execute(trx);
    await sql`insert or replace into predictions_search_rows (id, docid)
      select id, rowid from predictions_search where rowid > ${after}`.execute(trx);
    await sql`delete from predictions_search_backlog where seq <= ${chunk.last}`.execute(trx);
    return true;
  }
}
