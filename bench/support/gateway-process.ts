/** A `gengate serve` child process on SQLite or on a fresh PostgreSQL schema, for benchmarks. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type ServeProcess, spawnServe } from "../../test/support/serve-process.ts";

export const BENCH_TOKEN = "gg_bench_admin_token_0123456789abcdef";
const PG_URL = process.env.GENGATE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type Backend = "sqlite" | "postgres";

export interface BenchGateway extends ServeProcess {
  backend: Backend;
  stop(): Promise<void>;
}

async function onPostgres(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

export async function startBenchGateway(backend: Backend, env: Record<string, string> = {}): Promise<BenchGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-bench-"));
  const schema = `bench_${randomBytes(6).toString("hex")}`;
  const serveEnv: Record<string, string> = { GENGATE_DATA_DIR: dataDir, GENGATE_ADMIN_TOKEN: BENCH_TOKEN, ...env };
  if (backend === "postgres") {
    await onPostgres(`create schema ${schema}`);
    const url = new URL(PG_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    serveEnv.DATABASE_URL = url.toString();
  }
  const server = await spawnServe(serveEnv);
  return {
    ...server,
    backend,
    async stop() {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
      if (backend === "postgres") await onPostgres(`drop schema ${schema} cascade`);
    },
  };
}

/** Creates a prediction; with `wait`, holds until it ends. Returns the prediction JSON. */
export async function createPrediction(
  url: string,
  model: string,
  input: Record<string, unknown>,
  wait: boolean,
): Promise<{ id: string; status: string }> {
  const response = await fetch(`${url}/v1/models/${model}/predictions`, {
    method: "POST",
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(wait && { prefer: "wait=60" }) },
    body: JSON.stringify({ input }),
  });
  if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string; status: string };
}
