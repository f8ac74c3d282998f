/** A `gengate serve` child process on SQLite or on a fresh PostgreSQL schema, for benchmarks. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresSchema } from "../../test/support/postgres-schema.ts";
import { type ServeProcess, spawnServe } from "../../test/support/serve-process.ts";

export const BENCH_TOKEN = "gg_bench_admin_token_0123456789abcdef";
export type Backend = "sqlite" | "postgres";

export interface BenchGateway extends ServeProcess {
  backend: Backend;
  stop(): Promise<void>;
}

/** Where the server's database is, for a benchmark to fill it before the server starts. */
export interface BenchDatabase {
  dataDir: string;
  databaseUrl?: string;
}

/**
 * `bin`: another checkout's `bin/gengate.js`, to measure that code instead of this one;
 * `nodeFlags`: given to node before it.
 */
export async function startBenchGateway(
  backend: Backend,
  env: Record<string, string> = {},
  prepare?: (database: BenchDatabase) => Promise<void>,
  bin?: string,
  nodeFlags: string[] = [],
): Promise<BenchGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-bench-"));
  const serveEnv: Record<string, string> = {
    GENGATE_DATA_DIR: dataDir,
    GENGATE_ADMIN_TOKEN: BENCH_TOKEN,
    ...env,
  };
  const schema = backend === "postgres" ? await createPostgresSchema("bench") : undefined;
  if (schema) serveEnv.DATABASE_URL = schema.databaseUrl;
  await prepare?.({ dataDir, ...(schema && { databaseUrl: schema.databaseUrl }) });
  const server = await spawnServe(serveEnv, [], undefined, bin, nodeFlags);
  return {
    ...server,
    backend,
    async stop() {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
      await schema?.drop();
    },
  };
}

/** Creates a prediction; with `wait`, holds until it ends. Returns the prediction JSON. */
export async function createPrediction(
  url: string,
  model: string,
  input: Record<string, unknown>,
  wait: boolean,
  token = BENCH_TOKEN,
): Promise<{ id: string; status: string }> {
  const response = await fetch(`${url}/v1/models/${model}/predictions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...(wait && { prefer: "wait=60" }) },
    body: JSON.stringify({ input }),
  });
  if (response.status !== 201)
    throw new Error(`create answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string; status: string };
}
