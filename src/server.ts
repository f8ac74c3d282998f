/** Composition root of `gengate serve`: builds the gateway, starts its loops and the HTTP server. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Engine } from "./engine/engine.ts";
import type { Retention } from "./engine/retention.ts";
import { createGateway } from "./gateway.ts";
import { createLogger } from "./logger.ts";
import { type DataDirLock, lockDataDir, type Store } from "./store/index.ts";
import { defaultModels } from "./telegram/default-models.ts";
import { TelegramBot, WEBHOOK_PATH } from "./telegram/telegram-bot.ts";
import { loadTelegramConfig } from "./telegram/telegram-config.ts";

export interface RunningServer {
  /** Where the server listens, e.g. http://localhost:8080. */
  url: string;
  /** The admin token created on this first start, to show once. */
  newAdminToken: string | undefined;
  engine: Engine;
  retention: Retention;
  store: Store;
  /** The Telegram bot, when `TELEGRAM_BOT_TOKEN` is set. */
  telegram: TelegramBot | undefined;
  logger: Logger;
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

    const root = new Hono();
    let telegram: TelegramBot | undefined;
    if (telegramConfig) {
      const { store } = gateway;
      const bot = new TelegramBot({
        config: telegramConfig,
        api: (request) => app.fetch(request),
        repos: store.telegram,
        tokens: store.tokens,
        secrets: store.settings,
        publicUrl: config.publicUrl,
        models: telegramConfig.models ?? defaultModels(gateway.providerIds),
        claimsAreOurs: database.dialect === "sqlite",
        logger: logger.child({ component: "telegram" }),
      });
      telegram = bot;
      teardown.unshift(() => bot.stop());
      if (telegramConfig.webhook) root.post(WEBHOOK_PATH, (c) => bot.handleWebhook(c));
    }
    root.route("/", app);
    const server = serve({ fetch: root.fetch, port: config.port, hostname: config.host }) as Server;
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
    logger.info({ url, database: database.dialect, files: gateway.storage.location }, "gengate is listening");
    const { newAdminToken, store } = gateway;
    return { url, newAdminToken, engine, retention, store, telegram, logger, close: runTeardown };
  } catch (error) {
    await runTeardown().catch((cleanupError: unknown) =>
      logger.error({ err: cleanupError }, "cleanup failed"),
    );
    throw error;
  }
}
