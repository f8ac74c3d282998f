/**
 * Composition root: opens the store, storage and providers, builds the engine's API side and (in
 * the roles that run work) its worker side, and serves HTTP: the whole API, or for a worker only
 * `/health` and `/metrics`.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { ensureAdminToken } from "./admin-token.ts";
import type { ApiDeps } from "./api/api-context.ts";
import { createApp } from "./api/app.ts";
import { operatorRoutes } from "./api/operator-routes.ts";
import { loadCatalog } from "./catalog/catalog.ts";
import type { Config } from "./config.ts";
import { processState } from "./engine/cluster/process-state.ts";
import { Engine } from "./engine/engine.ts";
import type { EngineContext } from "./engine/engine-context.ts";
import { engineParts } from "./engine/engine-parts.ts";
import { EngineWorker } from "./engine/engine-worker.ts";
import { InputReader } from "./engine/input-reader.ts";
import { SWEEP_INTERVAL_MS, sweepEvery } from "./engine/sweeps.ts";
import { Uploads } from "./engine/uploads.ts";
import { DEFAULT_CONFIG_FILE, loadFileConfig } from "./file-config.ts";
import { createLogger } from "./logger.ts";
import { OpenRequests } from "./open-requests.ts";
import { createProviders, PROVIDER_IDS } from "./providers/registry.ts";
import { LocalStorage } from "./storage/local-storage.ts";
import {
  createStore,
  type DataDirLock,
  lockDataDir,
  openDatabase,
  type Store,
  startSingleton,
} from "./store/index.ts";
import { webApp } from "./web/web-app.ts";

export interface RunningServer {
  /** Where the server listens, e.g. http://localhost:8080. */
  url: string;
  /** The admin token created on this first start, to show once. */
  newAdminToken: string | undefined;
  /** The engine's API side (served over HTTP unless the role is worker). */
  engine: Engine;
  /** What the HTTP API is built from. */
  apiDeps: ApiDeps;
  store: Store;
  logger: Logger;
  /**
   * Before close(), when told to stop: stops accepting connections and claiming work, and lets
   * open requests and running work finish for up to GENGATE_DRAIN_SECONDS.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  env: Record<string, string | undefined> = process.env,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  // Configuration errors surface before anything is opened.
  const fileConfig = loadFileConfig(config.configFile);
  const providers = createProviders(env, { dataDir: config.dataDir, logger }, fileConfig);
  const catalog = loadCatalog({
    models: fileConfig.models,
    routing: fileConfig.routing,
    pricing: fileConfig.pricing,
    file: fileConfig.path ?? DEFAULT_CONFIG_FILE,
    knownProviders: PROVIDER_IDS,
  });
  /** What to undo, first step first, when stopping or when starting fails half-way. */
  const teardown: Array<() => Promise<void>> = [() => providers.close()];
  let lock: DataDirLock | undefined;
  const runTeardown = async () => {
    for (const step of teardown) await step();
    lock?.release();
  };
  try {
    // A SQLite data folder is served by one process; PostgreSQL is shared by design.
    if (config.databaseUrl === undefined) lock = lockDataDir(config.dataDir);
    const database = await openDatabase({
      dataDir: config.dataDir,
      ...(config.databaseUrl && { databaseUrl: config.databaseUrl }),
    });
    teardown.push(() => database.close());
    const store = createStore(database);
    const storage = new LocalStorage(config.filesDir);
    const uploads = new Uploads(store, storage, logger);
    const newAdminToken = await ensureAdminToken(store, config.adminToken);
    const inputs = new InputReader(uploads, storage, {
      maxBytes: config.maxFileBytes,
      allowPrivate: config.allowPrivateUrls,
    });
    let baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;

    // On PostgreSQL any number of processes share the work, its limits and its events.
    const shared = await processState(database, store, catalog.routing.circuitBreaker, logger);
    teardown.unshift(() => shared.close());
    const ctx: EngineContext = {
      store,
      storage,
      uploads,
      providers,
      events: shared.events,
      signals: shared.signals,
      limiter: shared.limiter,
      locks: shared.locks,
      catalog,
      breakers: shared.breakers,
      logger,
      providerContext: (tokenId) => ({ readInput: (url) => inputs.read(url, tokenId) }),
      baseUrl: () => baseUrl,
      allowPrivateUrls: config.allowPrivateUrls,
      publicUrl: config.publicUrl,
      unconfirmedStartWaitMs: config.unconfirmedStartWaitMs,
    };
    const parts = engineParts(ctx);
    const worker = config.role === "api" ? undefined : new EngineWorker(parts);
    if (worker) {
      // One process owns an embedded database, so whatever it finds mid-flight is its own to resume.
      await worker.start({ takeOver: database.dialect === "sqlite" });
      teardown.unshift(() => worker.stop());
      // The sweeps run in one worker of a deployment at a time, and move on when it dies.
      const sweeps = startSingleton(
        database,
        "sweeps",
        (signal) => sweepEvery(parts, SWEEP_INTERVAL_MS, signal),
        {
          onError: (error) => logger.warn({ err: error }, "sweeps could not lead"),
        },
      );
      teardown.unshift(() => sweeps.stop());
    }
    const engine = new Engine(parts);

    const apiDeps: ApiDeps = {
      engine,
      store,
      storage,
      config,
      logger,
      operator: {
        role: config.role,
        store,
        queue: shared.queue,
      },
    };
    const app = config.role === "worker" ? operatorRoutes(apiDeps.operator) : createApp(apiDeps);
    if (config.role !== "worker") {
      // The dashboard calls the public API in-process, exactly as a remote client would.
      app.route(
        "/",
        webApp({
          api: (request) => app.fetch(request),
          keyStore: store.settings,
          publicUrl: config.publicUrl,
        }),
      );
    }
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server;
    const open = new OpenRequests(server);
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
    baseUrl = config.publicUrl ?? url;
    logger.info(
      { url, role: config.role, database: database.dialect, files: config.filesDir },
      "gengate is listening",
    );
    const drain = async () => {
      const deadline = Date.now() + config.drainMs;
      logger.info({ seconds: config.drainMs / 1000 }, "draining: no new connections or work");
      server.close();
      server.closeIdleConnections();
      await Promise.all([worker?.drain(deadline), open.settled(deadline)]);
    };
    return { url, newAdminToken, engine, apiDeps, store, logger, drain, close: runTeardown };
  } catch (error) {
    await runTeardown().catch((cleanupError: unknown) =>
      logger.error({ err: cleanupError }, "cleanup failed"),
    );
    throw error;
  }
}
