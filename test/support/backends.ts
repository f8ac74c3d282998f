/**
 * Runs a suite against each storage backend: SQLite in a fresh temp folder and PostgreSQL in a
 * fresh schema per `open()`. Databases a test opens are closed (and their folder or schema
 * dropped) after it. PostgreSQL comes from GENGATE_TEST_DATABASE_URL; when no server answers,
 * its suites are skipped, or fail if GENGATE_REQUIRE_BACKENDS=1.
 */

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, it } from "vitest";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { PG_URL } from "./postgres-schema.ts";

export type BackendName = "sqlite" | "postgres";

/** A database for one test; `reopen()` opens another handle on the same folder or schema. */
export interface TestDatabase extends Database {
  reopen(): Promise<Database>;
}

export interface Backend {
  name: BackendName;
  open(): Promise<TestDatabase>;
}

export const REQUIRE_BACKENDS = process.env.GENGATE_REQUIRE_BACKENDS === "1";

/** Runs `work` once, however many times the returned function is called. */
function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= work();
    return done;
  };
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    const { hostname, port } = new URL(PG_URL);
    const detail = error instanceof Error ? error.message : String(error);
    return `no usable server at ${hostname}:${port || "5432"}: ${detail}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why PostgreSQL cannot be used here, or undefined when it answers. */
export const pgUnavailable = await probePostgres();
if (pgUnavailable !== undefined && !REQUIRE_BACKENDS) {
  process.stderr.write(`SKIPPED: PostgreSQL suites (${pgUnavailable}; set GENGATE_TEST_DATABASE_URL)\n`);
}

/** Cleanups of the databases opened by the running test, run in reverse order after it. */
const cleanups: Array<() => Promise<void>> = [];

function tracked(database: Database): Database {
  const close = once(() => database.close());
  cleanups.push(close);
  return { ...database, close };
}

async function openSqlite(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), "gengate-test-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const database = tracked(await openDatabase({ dataDir }));
  return { ...database, reopen: async () => tracked(await openDatabase({ dataDir })) };
}

async function openPostgres(): Promise<TestDatabase> {
  const pgSchema = `t_${randomBytes(8).toString("hex")}`;
  const options = { databaseUrl: PG_URL, dataDir: tmpdir(), pgSchema };
  const database = await openDatabase(options);
  // Dropping the schema needs a live connection, so it happens in close() before the pool ends.
  const close = once(async () => {
    try {
      await sql`drop schema if exists ${sql.id(pgSchema)} cascade`.execute(database.db);
    } finally {
      await database.close();
    }
  });
  cleanups.push(close);
  return { ...database, close, reopen: async () => tracked(await openDatabase(options)) };
}

export const backends: Backend[] = [
  { name: "sqlite", open: openSqlite },
  { name: "postgres", open: openPostgres },
];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Declares `fn`'s tests once per backend, under `title [backend]`. */
export function describeEachBackend(title: string, fn: (open: () => Promise<TestDatabase>) => void): void {
  for (const backend of backends) {
    const name = `${title} [${backend.name}]`;
    if (backend.name === "postgres" && pgUnavailable !== undefined) {
      if (REQUIRE_BACKENDS) {
        describe(name, () => {
          it("needs PostgreSQL (GENGATE_REQUIRE_BACKENDS=1)", () => {
            throw new Error(`PostgreSQL is required but unreachable: ${pgUnavailable}`);
          });
        });
      } else {
        describe.skip(name, () => fn(backend.open));
      }
      continue;
    }
    describe(name, () => fn(backend.open));
  }
}
