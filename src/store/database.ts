/** Opens the state database: a SQLite file by default, PostgreSQL when DATABASE_URL says so. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import type pg from "pg";
import { migrateToLatest } from "./migrator.ts";
import type { DB } from "./schema.ts";
import { openSqliteKysely } from "./sqlite-driver.ts";

export interface Database {
  db: Kysely<DB>;
  dialect: "sqlite" | "postgres";
  /** PostgreSQL: a connection of its own, outside the pool (to LISTEN, or to hold a session's advisory lock). */
  connect?(): Promise<pg.Client>;
  /** PostgreSQL: the schema gengate's tables are in (processes of other schemas share the server). */
  schema?: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A `postgres://` or `postgresql://` URL; SQLite when absent. */
  databaseUrl?: string;
  /** Folder of the SQLite file `gengate.db`. */
  dataDir: string;
  /** PostgreSQL schema to use (created if missing) instead of the connection's default. */
  pgSchema?: string;
}

export class DatabaseConnectionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatabaseConnectionError";
  }
}

const PG_INT8_OID = 20;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { databaseUrl } = options;
  if (databaseUrl === undefined) return openSqlite(options.dataDir);
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new DatabaseConnectionError("DATABASE_URL must start with postgres:// or postgresql://");
  }
  return openPostgres(databaseUrl, options.pgSchema);
}

async function openSqlite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const db = openSqliteKysely<DB>(join(dataDir, "gengate.db"));
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

async function openPostgres(url: string, schema: string | undefined): Promise<Database> {
  if (schema !== undefined && !IDENTIFIER.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}`);
  }
  // Loaded only here: a gateway on SQLite never needs the PostgreSQL client.
  const { default: pg } = await import("pg");
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    // BIGINT columns hold epoch milliseconds and sizes, all well within Number's safe range.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === PG_INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
  const pool = new pg.Pool(clientConfig);
  // An idle connection that breaks is dropped by the pool and replaced on next use.
  pool.on("error", () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let migrationSchema = schema;
  try {
    try {
      if (schema === undefined) {
        const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
        migrationSchema = rows[0]?.schema;
      } else {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DatabaseConnectionError(
        `cannot connect to the database in DATABASE_URL (${redact(url)}): ${reason}`,
        { cause: error },
      );
    }
    await migrateToLatest(db, migrationSchema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const connect = async () => {
    const client = new pg.Client(clientConfig);
    // Its owner learns of a broken connection from "end"; an unhandled "error" would crash the process.
    client.on("error", () => {});
    await client.connect();
    return client;
  };
  return { db, dialect: "postgres", connect, schema: migrationSchema, close: () => db.destroy() };
}

/** The URL with its password replaced, fit for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparsable URL>";
  }
}
