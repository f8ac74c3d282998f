/** Composition root: opens the store, storage and providers, starts the engine and the HTTP server. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { ensureAdminToken } from "./admin-token.ts";
import { createApp } from "./api/app.ts";
import { loadCatalog } from "./catalog/catalog.ts";
import { CircuitBreakers } from "./catalog/circuit-breakers.ts";
import type { Config } from "./config.ts";
import { Engine } from "./engine/engine.ts";
import { LocalEventBus } from "./engine/events.ts";
import { InputReader } from "./engine/input-reader.ts";
import { RateLimiter } from "./engine/token-bucket.ts";
import { Uploads } from "./engine/uploads.ts";
import { DEFAULT_CONFIG_FILE, loadFileConfig } from "./file-config.ts";
import { createLogger } from "./logger.ts";
import { createProviders, PROVIDER_IDS } from "./providers/registry.ts";
import { FileLinks } from "./storage/file-links.ts";
import { openStorage } from "./storage/open-storage.ts";
import { createStore, type DataDirLock, lockDataDir, openDatabase, type Store } from "./store/index.ts";
import { webApp } from "./web/web-app.ts";

export interface RunningServer {
  /** Where the server listens, e.g. http://localhost:8080. */
  url: string;
  /** The admin token created on this first start, to show once. */
  newAdminToken: string | undefined;
  engine: Engine;
  store: Store;
  logger: Logger;
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
    const storage = openStorage(config.storage);
    const fileLinks = await FileLinks.open(store.settings, {
      publicFiles: config.publicFiles,
      ttlMs: config.linkTtlMs,
    });
    const uploads = new Uploads(store, storage, logger);
    const newAdminToken = await ensureAdminToken(store, config.adminToken);
    const inputs = new InputReader(uploads, storage, {
      maxBytes: config.maxFileBytes,
      allowPrivate: config.allowPrivateUrls,
      links: fileLinks,
    });
    let baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;

    const engine = new Engine({
      store,
      storage,
      fileLinks,
      uploads,
      providers,
      events: new LocalEventBus(),
      limiter: new RateLimiter(),
      catalog,
      breakers: new CircuitBreakers(catalog.routing.circuitBreaker),
      logger,
      providerContext: (tokenId) => ({ readInput: (url) => inputs.read(url, tokenId) }),
      baseUrl: () => baseUrl,
      allowPrivateUrls: config.allowPrivateUrls,
      publicUrl: config.publicUrl,
      unconfirmedStartWaitMs: config.unconfirmedStartWaitMs,
    });
    // One process owns an embedded database, so whatever it finds mid-flight is its own to resume.
    await engine.start({ recover: database.dialect === "sqlite" });
    teardown.unshift(() => engine.stop());

    // Redirected file links send the dashboard's images to the blob store's origin.
    const fileOrigin =
      config.storageServe === "redirect" && storage.signedUrl
        ? new URL(await storage.signedUrl(`${"0".repeat(64)}.png`, 60)).origin
        : undefined;
    const app = createApp({ engine, store, storage, links: fileLinks, config, logger });
    // The dashboard calls the public API in-process, exactly as a remote client would.
    app.route(
      "/",
      webApp({
        api: (request) => app.fetch(request),
        keyStore: store.settings,
        publicUrl: config.publicUrl,
        ...(fileOrigin && { fileOrigin }),
      }),
    );
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
    baseUrl = config.publicUrl ?? url;
    logger.info({ url, database: database.dialect, files: storage.location }, "gengate is listening");
    return { url, newAdminToken, engine, store, logger, close: runTeardown };
  } catch (error) {
    await runTeardown().catch((cleanupError: unknown) =>
      logger.error({ err: cleanupError }, "cleanup failed"),
    );
    throw error;
  }
}
