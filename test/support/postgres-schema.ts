/** A fresh PostgreSQL schema and a DATABASE_URL that uses it, for whole-gateway tests and benchmarks. */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL the tests and benchmarks use. */
export const PG_URL = process.env.GENGATE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface PostgresSchema {
  name: string;
  databaseUrl: string;
  drop(): Promise<void>;
}

async function runOnPostgres(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

export async function createPostgresSchema(prefix = "t"): Promise<PostgresSchema> {
  const schema = `${prefix}_${randomBytes(8).toString("hex")}`;
  await runOnPostgres(`create schema ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    name: schema,
    databaseUrl: url.toString(),
    drop: () => runOnPostgres(`drop schema if exists ${schema} cascade`),
  };
}
