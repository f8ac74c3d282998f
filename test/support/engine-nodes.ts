/**
 * Several gengate worker nodes built in this test process on one fresh PostgreSQL schema, as
 * separate processes would be (each its own pool, listening connection and data folder), with no
 * loops started: a test drives their worker passes by hand, in the order it wants. Their database
 * connections carry one `application_name`, so a test can find them in pg_stat_activity.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config.ts";
import { createGateway, type Gateway } from "../../src/gateway.ts";
import { TEST_TOKEN } from "./gateway.ts";
import { createPostgresSchema } from "./postgres-schema.ts";

export interface EngineNodes {
  nodes: Gateway[];
  /** The schema's URL, for a connection of the test's own. */
  databaseUrl: string;
  /** The `application_name` of the nodes' database connections. */
  applicationName: string;
  close(): Promise<void>;
}

/** `count` nodes with `env`, or with `env(index)` each. */
export async function startEngineNodes(
  count: number,
  env: Record<string, string> | ((index: number) => Record<string, string>) = {},
): Promise<EngineNodes> {
  const schema = await createPostgresSchema("n");
  const applicationName = `gengate-nodes-${schema.name}`;
  const nodesUrl = new URL(schema.databaseUrl);
  nodesUrl.searchParams.set("application_name", applicationName);
  const root = mkdtempSync(join(tmpdir(), "gengate-nodes-"));
  const nodes: Gateway[] = [];
  const close = async () => {
    for (const node of nodes.splice(0)) await node.close();
    await schema.drop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const nodeEnv = {
        DATABASE_URL: nodesUrl.toString(),
        STORAGE_URL: `file://${join(root, "files")}`,
        GENGATE_DATA_DIR: mkdtempSync(join(root, "node-")),
        GENGATE_ADMIN_TOKEN: TEST_TOKEN,
        GENGATE_ROLE: "worker",
        GENGATE_SIM_LATENCY: "0",
        LOG_LEVEL: "silent",
        ...(typeof env === "function" ? env(i) : env),
      };
      nodes.push(await createGateway(loadConfig(nodeEnv), nodeEnv, pino({ level: "silent" })));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { nodes, databaseUrl: schema.databaseUrl, applicationName, close };
}
