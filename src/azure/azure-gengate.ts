/**
 * gengate on Azure Functions v4, without the Functions host: the handlers of one HTTP trigger that
 * serves the whole API and dashboard, and of one timer trigger that runs a worker pass (start what
 * is queued, follow and collect what runs, deliver webhooks, sweep retention), so no loop runs in
 * the background. The gateway is built once per worker process, on first use.
 */
import type { HttpHandler, InvocationContext, Timer } from "@azure/functions";
import { type Config, ConfigError, loadConfig } from "../config.ts";
import { createGateway, type Gateway, type GatewayParts } from "../gateway.ts";
import { createLogger } from "../logger.ts";
import { startTracing } from "../tracing/start-tracing.ts";
import { azureFetchHandler } from "./http-adapter.ts";

/** Server-sent event streams end before Azure's 230 s limit on an HTTP answer; clients reconnect. */
const AZURE_STREAM_MAX_SECONDS = "200";

export interface AzureHandlers {
  http: HttpHandler;
  timer: (timer: Timer, context: InvocationContext) => Promise<void>;
  /** Closes the gateway, if it was built (tests; the host ends the process itself). */
  close(): Promise<void>;
}

export function createAzureHandlers(open: () => Promise<Gateway>): AzureHandlers {
  let opening: Promise<Gateway> | undefined;
  const gateway = () => {
    opening ??= open().catch((error: unknown) => {
      // A failed start (the database not reachable yet) is tried again by the next invocation.
      opening = undefined;
      throw error;
    });
    return opening;
  };
  return {
    http: azureFetchHandler(async (request) => (await gateway()).app.fetch(request)),
    async timer() {
      const { worker, retention } = await gateway();
      await worker?.runPass();
      await retention.sweep();
    },
    async close() {
      if (opening) await (await opening).close();
    },
  };
}

/** The configuration from the Function App's settings: PostgreSQL is required, as instances share nothing else. */
export function azureConfig(env: Record<string, string | undefined>): Config {
  const config = loadConfig({
    GENGATE_STREAM_MAX_SECONDS: AZURE_STREAM_MAX_SECONDS,
    // Links in answers and webhooks name the app's own host unless PUBLIC_URL says otherwise.
    ...(env.WEBSITE_HOSTNAME && { PUBLIC_URL: `https://${env.WEBSITE_HOSTNAME}` }),
    ...env,
  });
  if (config.databaseUrl === undefined) {
    throw new ConfigError(
      "DATABASE_URL: must be set on Azure Functions (a postgres:// URL, such as Azure Database for PostgreSQL's): instances share no disk",
    );
  }
  if (config.metrics?.listen) {
    throw new ConfigError(
      "GENGATE_METRICS_PORT: a Function App listens on no port of its own; set GENGATE_METRICS_TOKEN instead, to scrape /metrics with it",
    );
  }
  return config;
}

/**
 * Builds the gateway of a Function App, traced when OTEL_EXPORTER_OTLP_ENDPOINT is set; `parts.storage`
 * where files go (local disk by default).
 */
export async function openAzureGateway(
  env: Record<string, string | undefined>,
  parts: GatewayParts = {},
): Promise<Gateway> {
  const config = azureConfig(env);
  await startTracing(env);
  return createGateway(config, env, createLogger(config.logLevel), parts);
}
