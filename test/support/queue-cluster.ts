/**
 * gengate in queue mode for tests and benchmarks: `gengate serve --role api|worker` processes on
 * one fresh PostgreSQL schema, sharing one files folder, each with its own data folder (as on
 * separate hosts). Every process started is killed at close.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "../../src/config.ts";
import { TEST_TOKEN } from "./gateway.ts";
import { createPostgresSchema } from "./postgres-schema.ts";
import { type ServeProcess, spawnServe } from "./serve-process.ts";

export interface QueueCluster {
  databaseUrl: string;
  /** The environment every process of the cluster gets. */
  env: Record<string, string>;
  /** `args` go to `gengate serve` after the role, e.g. `["--port", "8123"]`. */
  spawn(role: Role, env?: Record<string, string>, args?: string[]): Promise<ServeProcess>;
  close(): Promise<void>;
}

export async function startQueueCluster(env: Record<string, string> = {}): Promise<QueueCluster> {
  const schema = await createPostgresSchema("q");
  const root = mkdtempSync(join(tmpdir(), "gengate-queue-"));
  const processes: ServeProcess[] = [];
  const shared = {
    DATABASE_URL: schema.databaseUrl,
    STORAGE_URL: `file://${join(root, "files")}`,
    GENGATE_ADMIN_TOKEN: TEST_TOKEN,
    GENGATE_SIM_LATENCY: "0",
    ...env,
  };
  return {
    databaseUrl: schema.databaseUrl,
    env: shared,
    async spawn(role, own = {}, args = []) {
      const dataDir = mkdtempSync(join(root, `${role}-`));
      const process = await spawnServe({ ...shared, GENGATE_DATA_DIR: dataDir, ...own }, [
        "--role",
        role,
        ...args,
      ]);
      processes.push(process);
      return process;
    },
    async close() {
      for (const { child, exited } of processes.splice(0)) {
        child.kill("SIGKILL");
        await exited;
      }
      await schema.drop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const authed = { authorization: `Bearer ${TEST_TOKEN}` };
