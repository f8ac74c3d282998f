/**
 * Builds gengate's parts for one process, without serving them: store, storage, engine, retention
 * and the HTTP app (API and dashboard). `gengate serve` listens with it and runs the loops; the
 * Azure Functions entry hands requests to its app and runs one worker pass per timer tick.
 */
import type { Hono } from "hono";
import type { Logger } from "pino";
import { ensureAdminToken } from "./admin-token.ts";
import { createApp } from "./api/app.ts";
import { loadCatalog } from "./catalog/catalog.ts";
import { CircuitBreakers } from "./catalog/circuit-breakers.ts";
import type { Config } from "./config.ts";
import { Engine } from "./engine/engine.ts";
import { LocalEventBus } from "./engine/events.ts";
import { InputReader } from "./engine/input-reader.ts";
import { Retention } from "./engine/retention.ts";
import { RateLimiter } from "./engine/token-bucket.ts";
import { Uploads } from "./engine/uploads.ts";
import { DEFAULT_CONFIG_FILE, loadFileConfig } from "./file-config.ts";
import { createProviders, PROVIDER_IDS } from "./providers/registry.ts";
import type { BlobStorage } from "./storage/blob-storage.ts";
import { FileLinks } from "./storage/file-links.ts";
import { openStorage } from "./storage/open-storage.ts";
import { createStore, type Database, openDatabase, type Store } from "./store/index.ts";
import { webApp } from "./web/web-app.ts";

export interface Gateway {
  app: Hono;
  engine: Engine;
  retention: Retention;
  store: Store;
  storage: BlobStorage;
  database: Database;
  /** The providers configured, by id. */
  providerIds: string[];
  /** The admin token created on this first start, to show once. */
  newAdminToken: string | undefined;
  /** Where clients reach gengate, once it is known (PUBLIC_URL wins). */
  setListeningUrl(url: string): void;
  /** Closes what `createGateway` opened; the caller stops the loops it started first. */
  close(): Promise<void>;
}

export interface GatewayParts {
  /** Where files go; local disk under the configured folder when absent. */
  storage?: BlobStorage;
}

export async function createGateway(
  config: Config,
  env: Record<string, string | undefined>,
  logger: Logger,
  parts: GatewayParts = {},
): Promise<Gateway> {
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
  let database: Database;
  try {
    database = await openDatabase({
      dataDir: config.dataDir,
      ...(config.databaseUrl && { databaseUrl: config.databaseUrl }),
    });
  } catch (error) {
    await providers.close();
    throw error;
  }
  const close = async () => {
    await providers.close();
    await database.close();
  };
  try {
    const store = createStore(database);
    const storage = parts.storage ?? openStorage(config.storage);
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
    const retention = new Retention(store, storage, uploads, logger, {
      defaultMs: config.retentionMs,
      sweepEveryMs: config.retentionSweepMs,
    });
    // Redirected file links send the dashboard's images to the blob store's origin.
    const fileOrigin =
      config.storageServe === "redirect" && storage.signedUrl
        ? new URL(await storage.signedUrl(`${"0".repeat(64)}.png`, 60)).origin
        : undefined;
    const app = createApp({ engine, retention, store, storage, links: fileLinks, config, logger });
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
    return {
      app: app as unknown as Hono,
      engine,
      retention,
      store,
      storage,
      database,
      providerIds: providers.all().map((provider) => provider.id),
      newAdminToken,
      setListeningUrl: (url) => {
        baseUrl = config.publicUrl ?? url;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
