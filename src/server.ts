/**
 * Composition root of `gengate serve`: turns tracing on when OTEL_EXPORTER_OTLP_ENDPOINT is set, builds the gateway, starts the loops of its role (the
 * worker side, the sweeps, retention, the Telegram bot) and serves HTTP: the whole API, or for a
 * worker only `/health` and `/metrics`; and `/metrics` on a port of its own when one is set.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { ApiDeps } from "./api/api-context.ts";
import type { Config } from "./config.ts";
import type { Engine } from "./engine/engine.ts";
import type { Retention } from "./engine/retention.ts";
import { SWEEP_INTERVAL_MS, sweepEvery } from "./engine/sweeps.ts";
import { createGateway, type Gateway } from "./gateway.ts";
import { createLogger } from "./logger.ts";
import { OpenRequests } from "./open-requests.ts";
import { type DataDirLock, lockDataDir, type Store, startSingleton } from "./store/index.ts";
import type { TelegramBot } from "./telegram/telegram-bot.ts";
import { loadTelegramConfig, type TelegramConfig } from "./telegram/telegram-config.ts";
import { startTracing } from "./tracing/start-tracing.ts";
import type { Tracing } from "./tracing/tracing.ts";

export interface RunningServer {
  /** Where the server listens, e.g. http://localhost:8080. */
  url: string;
  /** Where `/metrics` is served on a port of its own (GENGATE_METRICS_PORT), if it is. */
  metricsUrl: string | undefined;
  /** The admin token created on this first start, to show once. */
  newAdminToken: string | undefined;
  /** The engine's API side (served over HTTP unless the role is worker). */
  engine: Engine;
  /** What the HTTP API is built from. */
  apiDeps: ApiDeps;
  retention: Retention;
  store: Store;
  /** The Telegram bot, when `TELEGRAM_BOT_TOKEN` is set and this process serves the API. */
  telegram: TelegramBot | undefined;
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
  const telegramConfig = loadTelegramConfig(env, config.publicUrl);
  /** What to undo, first step first, when stopping or when starting fails half-way. */
  const teardown: Array<() => Promise<void>> = [];
  let lock: DataDirLock | undefined;
  let traces: Tracing | undefined;
  const runTeardown = async () => {
    for (const step of teardown) await step();
    lock?.release();
    // Last, so that the spans of the work stopped above are sent too.
    await traces?.shutdown();
  };
  try {
    // Before the gateway is built: its parts are traced only when tracing is on.
    traces = await startTracing(env);
    // A SQLite data folder is served by one process; PostgreSQL is shared by design.
    if (config.databaseUrl === undefined) lock = lockDataDir(config.dataDir);
    const gateway = await createGateway(config, env, logger);
    teardown.push(() => gateway.close());
    const { worker, retention, database } = gateway;
    if (worker) {
      // One process owns an embedded database, so whatever it finds mid-flight is its own to resume.
      await worker.start({ alone: database.dialect === "sqlite" });
      retention.start();
      teardown.unshift(async () => {
        await retention.stop();
        await worker.stop();
      });
      // The sweeps run in one worker of a deployment at a time, and move on when it dies.
      const sweeps = startSingleton(
        database,
        "sweeps",
        (signal) => sweepEvery(gateway.engineParts, SWEEP_INTERVAL_MS, signal),
        { onError: (error) => logger.warn({ err: error }, "sweeps could not lead") },
      );
      teardown.unshift(() => sweeps.stop());
    }

    const root = new Hono();
    const telegram =
      telegramConfig && gateway.api
        ? await startBot(telegramConfig, gateway, config, logger, root)
        : undefined;
    if (telegram) teardown.unshift(() => telegram.stop());
    root.route("/", gateway.app);
    const server = await listen(root, config.port, config.host);
    const open = new OpenRequests(server);
    teardown.unshift(() => closeServer(server));
    const url = `http://localhost:${portOf(server)}`;
    const metricsListen = config.metrics?.listen;
    let metricsUrl: string | undefined;
    if (gateway.metricsApp && metricsListen) {
      const { host } = metricsListen;
      const metricsServer = await listen(gateway.metricsApp, metricsListen.port, host);
      teardown.unshift(() => closeServer(metricsServer));
      metricsUrl = `http://${host.includes(":") ? `[${host}]` : host}:${portOf(metricsServer)}`;
    }
    gateway.setListeningUrl(url);
    logger.info(
      { url, role: config.role, database: database.dialect, files: gateway.storage.location, metricsUrl },
      "gengate is listening",
    );
    const drain = async () => {
      const deadline = Date.now() + config.drainMs;
      logger.info({ seconds: config.drainMs / 1000 }, "draining: no new connections or work");
      server.close();
      server.closeIdleConnections();
      await Promise.all([worker?.drain(deadline), open.settled(deadline)]);
    };
    const { newAdminToken, store, engine, apiDeps } = gateway;
    return {
      url,
      metricsUrl,
      newAdminToken,
      engine,
      apiDeps,
      retention,
      store,
      telegram,
      logger,
      drain,
      close: runTeardown,
    };
  } catch (error) {
    await runTeardown().catch((cleanupError: unknown) =>
      logger.error({ err: cleanupError }, "cleanup failed"),
    );
    throw error;
  }
}

async function listen(app: Hono, port: number, hostname: string): Promise<Server> {
  const server = serve({ fetch: app.fetch, port, hostname }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  return server;
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/**
 * The bot, on a process that serves the API: it calls that API in-process as each of its users.
 * Its updates come to `root` when it takes them by webhook. Loaded only here: grammY and the bot's
 * modules cost memory a gateway without a bot never uses.
 */
async function startBot(
  telegramConfig: TelegramConfig,
  gateway: Gateway,
  config: Config,
  logger: Logger,
  root: Hono,
): Promise<TelegramBot> {
  const [{ TelegramBot, WEBHOOK_PATH }, { defaultModels }] = await Promise.all([
    import("./telegram/telegram-bot.ts"),
    import("./telegram/default-models.ts"),
  ]);
  const { store, database } = gateway;
  const bot = new TelegramBot({
    config: telegramConfig,
    api: (request) => (gateway.api as NonNullable<Gateway["api"]>)(request),
    repos: store.telegram,
    tokens: store.tokens,
    tenants: store.tenants,
    ledger: store.budgets,
    secrets: store.settings,
    publicUrl: config.publicUrl,
    models: telegramConfig.models ?? defaultModels(gateway.providerIds),
    claimsAreOurs: database.dialect === "sqlite",
    oneAtATime: (name, lead) =>
      startSingleton(database, name, lead, {
        onError: (error) => logger.warn({ err: error }, "telegram long polling could not lead"),
      }),
    logger: logger.child({ component: "telegram" }),
  });
  if (telegramConfig.webhook) root.post(WEBHOOK_PATH, (c) => bot.handleWebhook(c));
  return bot;
}
