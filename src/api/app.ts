/** The HTTP API: Replicate-compatible `/v1`, output files, inbound webhooks, health, metrics and OpenAPI. */
import { Hono } from "hono";
import type { RequestIdVariables } from "hono/request-id";
import { GatewayError } from "../core/errors.ts";
import { reportMisconfiguration } from "../engine/misconfiguration.ts";
import type { ApiDeps, ApiEnv } from "./api-context.ts";
import { requireToken } from "./auth.ts";
import { limitBody } from "./body-limit.ts";
import { useHttpEdge } from "./http-edge.ts";
import { openAiApp } from "./openai/openai-app.ts";
import { operatorRoutes } from "./operator-routes.ts";
import { refuseNulInPath } from "./path-check.ts";
import { problem, toGatewayError } from "./problem.ts";
import { requestIds } from "./request-id.ts";
import { accountRoutes } from "./routes/account.ts";
import { adminRoutes } from "./routes/admin.ts";
import { batchRoutes } from "./routes/batches.ts";
import { fileRoutes } from "./routes/files.ts";
import { galleryRoutes } from "./routes/gallery.ts";
import { loraRoutes } from "./routes/loras.ts";
import { modelCreateRoutes } from "./routes/model-create.ts";
import { modelSearchRoutes } from "./routes/model-search.ts";
import { modelRoutes } from "./routes/models.ts";
import { outputFileRoutes } from "./routes/output-files.ts";
import { platformRoutes } from "./routes/platform.ts";
import { predictionBulkRoutes } from "./routes/prediction-bulk.ts";
import { predictionStreamRoutes } from "./routes/prediction-stream.ts";
import { predictionWebhookRoutes } from "./routes/prediction-webhooks.ts";
import { predictionRoutes } from "./routes/predictions.ts";
import { trainingRoutes } from "./routes/trainings.ts";
import { usageRoutes } from "./routes/usage.ts";
import { inboundWebhookRoutes, webhookSecretRoutes } from "./routes/webhooks.ts";

export function createApp(deps: ApiDeps): Hono<{ Variables: RequestIdVariables }> {
  const app = new Hono<{ Variables: RequestIdVariables }>();
  const { config, logger } = deps;

  app.onError((error, c) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.configSetting) reportMisconfiguration(logger, gatewayError, { path: c.req.path });
    else if (gatewayError.status >= 500)
      logger.error({ err: error, path: c.req.path, requestId: c.get("requestId") }, "request failed");
    return problem(c, gatewayError);
  });
  app.notFound((c) =>
    problem(c, new GatewayError("not_found", `no route for ${c.req.method} ${c.req.path}`)),
  );

  const jsonBodyLimit = limitBody(config.maxBodyBytes);

  useHttpEdge(app, deps.edge);
  app.use(requestIds);
  app.use("/v1/*", refuseNulInPath);

  app.route("/", operatorRoutes(deps.operator));
  // Loaded when first asked for: its 10 modules cost memory a server that is never asked keeps.
  app.get("/openapi.json", async (c) => c.json((await import("./openapi.ts")).openApiDocument()));
  app.route("/", outputFileRoutes(deps));
  app.use("/hooks/*", jsonBodyLimit);
  app.route("/", inboundWebhookRoutes(deps));
  app.route("/v1", predictionStreamRoutes(deps));
  // OpenAI's API has its own error shape and body limits per endpoint.
  app.route("/openai/v1", openAiApp(deps));

  const v1 = new Hono<ApiEnv>();
  v1.use(requireToken(deps.store, deps.engine.limiter));
  // uploads (files, a LoRA's photos) have their own, larger limit
  const uploads = /\/v1\/(files|loras)$/;
  v1.use((c, next) =>
    c.req.method === "POST" && uploads.test(c.req.path) ? next() : jsonBodyLimit(c, next),
  );
  v1.route("/", accountRoutes(deps));
  v1.route("/", predictionBulkRoutes(deps));
  v1.route("/", predictionRoutes(deps));
  v1.route("/", predictionWebhookRoutes(deps));
  v1.route("/", modelRoutes(deps));
  v1.route("/", modelCreateRoutes(deps));
  v1.route("/", modelSearchRoutes(deps));
  v1.route("/", platformRoutes(deps));
  v1.route("/", fileRoutes(deps));
  v1.route("/", webhookSecretRoutes(deps));
  v1.route("/", batchRoutes(deps));
  v1.route("/", trainingRoutes(deps));
  v1.route("/", loraRoutes(deps));
  v1.route("/", galleryRoutes(deps));
  v1.route("/", usageRoutes(deps));
  v1.route("/", adminRoutes(deps));
  app.route("/v1", v1);
  return app;
}
