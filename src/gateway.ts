/**
 * Builds gengate's parts for one process, without serving them or starting loops: store, storage,
 * the state shared between processes, the metrics, the engine's API side and (in the roles that run
 * work) its worker side, retention, and the HTTP app (the API and dashboard, or for a worker only
 * `/health` and `/metrics`). `gengate serve` listens with it (and with the metrics' own app on their
 * port) and starts the loops; the Azure Functions entry hands requests to its app and runs one
 * worker pass per timer tick.
 */
import { Hono } from "hono";
import type { Logger } from "pino";
import { ensureAdminToken } from "./admin-token.ts";
import type { ApiDeps } from "./api/api-context.ts";
import { createApp } from "./api/app.ts";
import { type EdgeOptions, useHttpEdge } from "./api/http-edge.ts";
import { type MetricsAccess, metricsRoutes } from "./api/metrics-routes.ts";
import { loadModelNames } from "./api/openai/model-names.ts";
import { operatorRoutes } from "./api/operator-routes.ts";
import { loadCatalog } from "./catalog/catalog.ts";
import type { Config } from "./config.ts";
import { processState } from "./engine/cluster/process-state.ts";
import { Engine } from "./engine/engine.ts";
import type { EngineContext } from "./engine/engine-context.ts";
import { NO_METRICS } from "./engine/engine-metrics.ts";
import { type EngineParts, engineParts } from "./engine/engine-parts.ts";
import { EngineWorker } from "./engine/engine-worker.ts";
import { InputReader } from "./engine/input-reader.ts";
import { meteredProviders } from "./engine/metered-providers.ts";
import { providerEnvironment } from "./engine/provider-environment.ts";
import { Retention } from "./engine/retention.ts";
import { Uploads } from "./engine/uploads.ts";
import { DEFAULT_CONFIG_FILE, loadFileConfig } from "./file-config.ts";
import { ModelLabels } from "./metrics/model-labels.ts";
import { createProviders, PROVIDER_IDS } from "./providers/registry.ts";
import type { BlobStorage } from "./storage/blob-storage.ts";
import { FileLinks } from "./storage/file-links.ts";
import { openStorage } from "./storage/open-storage.ts";
import { createStore, type Database, openDatabase, type Store } from "./store/index.ts";
import { tracedProviders } from "./tracing/traced-providers.ts";
import { tracedStorage } from "./tracing/traced-storage.ts";
import { webApp } from "./web/web-app.ts";

export interface Gateway {
  app: Hono;
  /** The public API as the app serves it, for in-process clients (the dashboard, the bot); undefined for a worker. */
  api: ((request: Request) => Response | Promise<Response>) | undefined;
  apiDeps: ApiDeps;
  /** The engine's API side. */
  engine: Engine;
  /** The engine's worker side, unless the role is api. */
  worker: EngineWorker | undefined;
  engineParts: EngineParts;
  retention: Retention;
  store: Store;
  storage: BlobStorage;
  database: Database;
  /** The providers configured, by id. */
  providerIds: string[];
  /** The admin token created on this first start, to show once. */
  newAdminToken: string | undefined;
  /** `/metrics` alone, for the port of its own (GENGATE_METRICS_PORT) when one is set. */
  metricsApp: Hono | undefined;
  /** Where clients reach gengate, once it is known (PUBLIC_URL wins). */
  setListeningUrl(url: string): void;
  /** Closes what `createGateway` opened; the caller stops the loops it started first. */
  close(): Promise<void>;
}

export interface GatewayParts {
  /** Where files go; the configured store (`STORAGE_URL`) when absent. */
  storage?: BlobStorage;
}

export async function createGateway(
  config: Config,
  env: Record<string, string | undefined>,
  logger: Logger,
  parts: GatewayParts = {},
): Promise<Gateway> {
  // Configuration errors surface before anything is opened, except the providers': they are
  // built on what the database shares between processes, and undo what was opened if they fail.
  const fileConfig = loadFileConfig(config.configFile);
  const catalog = loadCatalog({
    models: fileConfig.models,
    routing: fileConfig.routing,
    pricing: fileConfig.pricing,
    file: fileConfig.path ?? DEFAULT_CONFIG_FILE,
    knownProviders: PROVIDER_IDS,
  });
  const openAiModels = loadModelNames(fileConfig.openai, fileConfig.path ?? DEFAULT_CONFIG_FILE, catalog);
  /** What to undo, last opened first. */
  const opened: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const undo of opened.reverse()) await undo();
  };
  try {
    const database = await openDatabase({
      dataDir: config.dataDir,
      ...(config.databaseUrl && { databaseUrl: config.databaseUrl }),
    });
    opened.push(() => database.close());
    const store = createStore(database);
    const storage = tracedStorage(parts.storage ?? (await openStorage(config.storage)));
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

    // On PostgreSQL any number of processes share the work, its limits and its events.
    const shared = await processState(database, store, catalog.routing.circuitBreaker, logger);
    opened.push(() => shared.close());
    const providers = createProviders(
      env,
      providerEnvironment(store, shared, { dataDir: config.dataDir, logger }),
      fileConfig,
    );
    opened.push(() => providers.close());
    const providerIds = providers.all().map((provider) => provider.id);
    // Loaded only when asked for: Prometheus' client costs memory a gateway without metrics never uses.
    const metrics =
      config.metrics &&
      new (await import("./metrics/gateway-metrics.ts")).GatewayMetrics({
        role: config.role,
        models: await ModelLabels.of(catalog, providers),
        store,
        breakers: shared.breakers,
        catalog,
        providerIds,
        logger,
      });
    const ctx: EngineContext = {
      store,
      storage,
      fileLinks,
      uploads,
      providers: tracedProviders(metrics ? meteredProviders(providers, metrics) : providers),
      events: shared.events,
      signals: shared.signals,
      limiter: shared.limiter,
      locks: shared.locks,
      catalog,
      breakers: shared.breakers,
      logger,
      metrics: metrics ?? NO_METRICS,
      providerContext: (tokenId) => ({ readInput: (url) => inputs.read(url, tokenId) }),
      baseUrl: () => baseUrl,
      allowPrivateUrls: config.allowPrivateUrls,
      publicUrl: config.publicUrl,
      unconfirmedStartWaitMs: config.unconfirmedStartWaitMs,
    };
    const enginePartsOf = engineParts(ctx);
    const worker = config.role === "api" ? undefined : new EngineWorker(enginePartsOf);
    const engine = new Engine(enginePartsOf);
    const retention = new Retention(store, storage, uploads, logger, {
      defaultMs: config.retentionMs,
      sweepEveryMs: config.retentionSweepMs,
    });
    const metricsAccess: MetricsAccess = !metrics
      ? { kind: "off" }
      : config.metrics?.listen
        ? { kind: "elsewhere" }
        : { kind: "served", source: metrics, token: config.metrics?.token };
    const edge: EdgeOptions = { corsOrigins: config.corsOrigins, requestMetrics: metrics?.http };
    const apiDeps: ApiDeps = {
      engine,
      retention,
      store,
      storage,
      links: fileLinks,
      config,
      logger,
      operator: { role: config.role, store, queue: shared.queue, metrics: metricsAccess },
      edge,
      openAiModels,
    };
    const metricsApp =
      metrics && config.metrics?.listen
        ? portApp(metricsRoutes({ kind: "served", source: metrics, token: config.metrics.token }), {
            corsOrigins: undefined,
            requestMetrics: undefined,
          })
        : undefined;
    let app: Hono;
    let api: Gateway["api"];
    if (config.role === "worker") {
      app = portApp(operatorRoutes(apiDeps.operator), edge);
    } else {
      const apiApp = createApp(apiDeps);
      api = (request) => apiApp.fetch(request);
      // Redirected file links send the dashboard's images to the blob store's origin.
      const fileOrigin =
        config.storageServe === "redirect" && storage.signedUrl
          ? new URL(await storage.signedUrl(`${"0".repeat(64)}.png`, 60)).origin
          : undefined;
      // The dashboard calls the public API in-process, exactly as a remote client would.
      apiApp.route(
        "/",
        webApp({
          api,
          keyStore: store.settings,
          publicUrl: config.publicUrl,
          ...(fileOrigin && { fileOrigin }),
        }),
      );
      app = apiApp as unknown as Hono;
    }
    return {
      app,
      api,
      apiDeps,
      engine,
      worker,
      engineParts: enginePartsOf,
      retention,
      store,
      storage,
      database,
      providerIds,
      newAdminToken,
      metricsApp,
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

/** `routes` alone behind the HTTP edge: a worker's `/health` and `/metrics`, or the metrics port's `/metrics`. */
function portApp(routes: Hono, edge: EdgeOptions): Hono {
  const app = new Hono();
  useHttpEdge(app, edge);
  app.route("/", routes);
  return app;
}
