/**
 * The Function App's entry (package.json `main`): registers the HTTP trigger for every path and
 * the worker's timer trigger with the Azure Functions v4 host.
 */
import { app } from "@azure/functions";
import { createAzureHandlers, openAzureGateway } from "./azure-gengate.ts";

/** Every ten seconds by default (NCRONTAB with seconds); GENGATE_AZURE_WORKER_SCHEDULE changes it. */
const DEFAULT_WORKER_SCHEDULE = "*/10 * * * * *";

const handlers = createAzureHandlers(() => openAzureGateway(process.env));

// Answers stream (server-sent events, files) instead of being held whole in memory.
app.setup({ enableHttpStream: true });

app.http("gengate", {
  route: "{*path}",
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
  authLevel: "anonymous",
  handler: handlers.http,
});

app.timer("gengate-worker", {
  schedule: process.env.GENGATE_AZURE_WORKER_SCHEDULE ?? DEFAULT_WORKER_SCHEDULE,
  handler: handlers.timer,
});
