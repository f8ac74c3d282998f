/** Kysely's SqliteDialect over Node's built-in `node:sqlite`. */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from "kysely";
import { sqlStatements } from "./statement-channel.ts";

const PRAGMAS = ["journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 5000", "foreign_keys = ON"];

/**
 * node:sqlite binds every JS number as REAL (1 would become '1.0' in a text column), so whole
 * numbers go in as BigInt to bind as INTEGER; booleans become 0/1. Results come back as numbers.
 */
function bindValue(value: unknown): SQLInputValue {
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  return value as SQLInputValue;
}

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map(bindValue);
}

/**
 * Integers are read as BigInt and given back as numbers: one beyond Number's safe range (only a
 * damaged row holds one) comes back as the nearest number, for the row's reader to refuse, instead
 * of failing the whole query and every query that meets the row after it.
 */
function withNumbers(row: Record<string, unknown>): Record<string, unknown> {
  // node:sqlite's rows have no prototype: `in` walks their columns alone, with no array made per row.
  for (const column in row) {
    const value = row[column];
    if (typeof value === "bigint") row[column] = Number(value);
  }
  return row;
}

/** Statements kept prepared, the least recently used dropped first: gengate runs a few dozen shapes. */
const CACHED_STATEMENTS = 256;

/**
 * Adapts a `DatabaseSync` to the subset of better-sqlite3 that Kysely's SqliteDialect uses. Each
 * SQL text is prepared once and kept: SQLite prepares it again by itself if the schema changes,
 * and each run ends before the next begins (Kysely runs one query at a time on its one connection,
 * and never streams one in gengate; `runDirectly` runs to the end at once), so a kept statement is
 * never in use twice.
 */
export function wrapDatabaseSync(database: DatabaseSync, cacheSize = CACHED_STATEMENTS): SqliteDatabase {
  const prepared = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    // Kysely prepares each statement it runs, so every run passes here.
    prepare(sql): SqliteStatement {
      if (sqlStatements.hasSubscribers) sqlStatements.publish(sql);
      const kept = prepared.get(sql);
      if (kept) {
        prepared.delete(sql);
        prepared.set(sql, kept);
        return kept;
      }
      const statement = adapt(database.prepare(sql));
      prepared.set(sql, statement);
      if (prepared.size > cacheSize) prepared.delete(prepared.keys().next().value ?? "");
      return statement;
    },
  };
}

function adapt(statement: StatementSync): SqliteStatement {
  const reader = statement.columns().length > 0;
  if (reader) statement.setReadBigInts(true);
  return {
    reader,
    all: (parameters) => statement.all(...bind(parameters)).map(withNumbers),
    run: (parameters) => statement.run(...bind(parameters)),
    *iterate(parameters) {
      for (const row of statement.iterate(...bind(parameters))) yield withNumbers(row);
    },
  };
}

/** Runs one statement now on a database's connection; undefined while a transaction holds it. */
type DirectRunner = (sql: string, parameters: readonly unknown[]) => Record<string, unknown>[] | undefined;

const directRunners = new WeakMap<object, DirectRunner>();

/** Opens (creating if needed) the SQLite file at `path` in WAL mode. */
export function openSqliteKysely<T>(path: string): Kysely<T> {
  const database = new DatabaseSync(path);
  try {
    for (const pragma of PRAGMAS) database.exec(`PRAGMA ${pragma}`);
  } catch (error) {
    database.close();
    throw error;
  }
  const wrapped = wrapDatabaseSync(database);
  const db = new Kysely<T>({ dialect: new SqliteDialect({ database: wrapped }) });
  directRunners.set(db, (sql, parameters) => {
    if (database.isTransaction) return undefined;
    const statement = wrapped.prepare(sql);
    if (statement.reader) return statement.all(parameters) as Record<string, unknown>[];
    statement.run(parameters);
    return [];
  });
  return db;
}

/**
 * The rows of `sql` run at once on the SQLite connection of `db` (opened by openSqliteKysely, not a
 * transaction of it), skipping Kysely's hand-off of that one connection (a lock, an abort guard and
 * several promises a query, more than SQLite takes to run a small statement). Undefined for any other
 * database, or while a transaction holds the connection: the caller then queues through Kysely.
 */
export function runDirectly(
  db: object,
  sql: string,
  parameters: readonly unknown[],
): Record<string, unknown>[] | undefined {
  return directRunners.get(db)?.(sql, parameters);
}
