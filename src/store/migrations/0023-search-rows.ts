/**
 * SQLite's search index kept in step at a lower cost, with two tables:
 *
 * - `predictions_search_rows`: which row of `predictions_search` holds each prediction's words, so
 *   that a prediction whose input changes (retention clears it) or that is deleted finds its row by
 *   key. FTS5 looks its rows up by rowid only: the triggers' `where id = …` read the whole index,
 *   one row at a time (20 ms a change at 100,000 predictions, the database held meanwhile). The
 *   rowid is kept in a table of its own rather than taken from `predictions`, whose rowids a VACUUM
 *   may renumber.
 * - `predictions_search_backlog`: new predictions not indexed yet, indexed in batches and before
 *   every search (search-backlog.ts).
 *
 * PostgreSQL: nothing to do (its index is on the row itself).
 */
import { type Kysely, SqliteAdapter, sql } from "kysely";
import type { Migration } from "kysely/migration";
import { sqliteSearchText } from "./0010-prediction-search.ts";

const ROW_OF = (id: string) => `(select docid from predictions_search_rows where id = ${id})`;

export const searchRows: Migration = {
  async up(db: Kysely<unknown>) {
    if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
    const statements = [
      "create table predictions_search_rows (id text primary key, docid integer not null) without rowid",
      "insert or replace into predictions_search_rows (id, docid) select id, rowid from predictions_search",
      "create table predictions_search_backlog (seq integer primary key, id text not null)",
      "drop trigger predictions_search_insert",
      "drop trigger predictions_search_update",
      "drop trigger predictions_search_delete",
      `create trigger predictions_search_insert after insert on predictions begin
         insert into predictions_search_backlog (id) values (new.id);
       end`,
      `create trigger predictions_search_update after update of input on predictions begin
         update predictions_search set body = ${sqliteSearchText("new.input")} where rowid = ${ROW_OF("new.id")};
       end`,
      `create trigger predictions_search_delete after delete on predictions begin
         delete from predictions_search where rowid = ${ROW_OF("old.id")};
         delete from predictions_search_rows where id = old.id;
         delete from predictions_search_backlog where id = old.id;
       end`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
