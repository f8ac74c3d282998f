/** Composition root of `gengate serve`: builds the gateway, starts its loops and the HTTP server. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Engine } from "./engine/engine.ts";
import type { Retention } from "./engine/retention.ts";
import { createGateway } from "./gateway.ts";
import { createLogger } from "./logger.ts";
import { type DataDirLock, lockDataDir, type Store } from "./store/index.ts";

export interface RunningServer {
  /** Where the server listens, e.g. http://localhost:8080. */
  url: string;
  /** The admin token created on this first start, to show once. */
  newAdminToken: string | undefined;
  engine: Engine;
  retention: Retention;
  store: Store;
  logger: Logger;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  env: Record<string, string | undefined> = process.env,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  /** What to undo, first step first, when stopping or when starting fails half-way. */
  const teardown: Array<() => Promise<void>> = [];
  let lock: DataDirLock | undefined;
  const runTeardown = async () => {
    for (const step of teardown) await step();
    lock?.release();
  };
  try {
    // A SQLite data folder is served by one process; PostgreSQL is shared by design.
    if (config.databaseUrl === undefined) lock = lockDataDir(config.dataDir);
    const gateway = await createGateway(config, env, logger);
    teardown.push(() => gateway.close());
    const { engine, retention, app, database } = gateway;
    // One process owns an embedded database, so whatever it finds mid-flight is its own to resume.
    await engine.start({ recover: database.dialect === "sqlite" });
    retention.start();
    teardown.unshift(async () => {
      await retention.stop();
      await engine.stop();
    });

    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    teardown.unshift(() => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://localhost:${port}`;
    gateway.setListeningUrl(url);
    logger.info({ url, database: database.dialect, files: config.filesDir }, "gengate is listening");
    const { newAdminToken, store } = gateway;
    return { url, newAdminToken, engine, retention, store, logger, close: runTeardown };
  } catch (error) {
    await runTeardown().catch((cleanupError: unknown) =>
      logger.error({ err: cleanupError }, "cleanup failed"),
    );
    throw error;
  }
}
