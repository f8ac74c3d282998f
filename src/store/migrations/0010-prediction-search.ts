/**
 * Full-text search over each prediction's input: the words of its string values (prompts, names,
 * URLs), never its keys. Existing rows are indexed here; new and changed ones as they are written.
 *
 * SQLite: an FTS5 table `predictions_search` (the prediction's id and the words), kept by triggers.
 * The id, not the rowid, links the two: a VACUUM may renumber the rowids of a table whose key is text.
 * PostgreSQL: a GIN index on `predictions_search_vector(input)`, a tsvector of the string values,
 * which the database keeps current itself.
 * Both use plain word splitting and case folding (no stemming, no stop words), so that a search
 * finds the same rows on either.
 */
import { type Kysely, SqliteAdapter, sql } from "kysely";
import type { Migration } from "kysely/migration";

/** The searchable text of an input column, in SQLite: its string values, or the raw text if it is not JSON. */
export const sqliteSearchText = (input: string) =>
  `case when json_valid(${input}) then coalesce((select group_concat(value, ' ') from json_tree(${input}) where type = 'text'), '') else ${input} end`;

export const predictionSearch: Migration = {
  async up(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof SqliteAdapter) await sqliteUp(db);
    else await postgresUp(db);
  },
};

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create virtual table predictions_search using fts5(id unindexed, body, tokenize = 'unicode61 remove_diacritics 0')`,
    `insert into predictions_search (id, body) select id, ${sqliteSearchText("input")} from predictions`,
    `create trigger predictions_search_insert after insert on predictions begin
       insert into predictions_search (id, body) values (new.id, ${sqliteSearchText("new.input")});
     end`,
    `create trigger predictions_search_update after update of input on predictions begin
       update predictions_search set body = ${sqliteSearchText("new.input")} where id = new.id;
     end`,
    `create trigger predictions_search_delete after delete on predictions begin
       delete from predictions_search where id = old.id;
     end`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  // Immutable, as an index expression must be: the same text always gives the same words.
  await sql`
    create function predictions_search_vector(input text) returns tsvector
    language plpgsql immutable parallel safe as $$
    begin
      return jsonb_to_tsvector('simple'::regconfig, input::jsonb, '["string"]'::jsonb);
    exception when others then
      return to_tsvector('simple'::regconfig, input);
    end
    $$`.execute(db);
  await sql`create index predictions_search on predictions using gin (predictions_search_vector(input))`.execute(
    db,
  );
}
