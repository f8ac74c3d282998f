/**
 * The OpenAI-compatible API under `/openai/v1` (so it never clashes with the Replicate-shaped
 * `/v1`): the same tokens, queue, rate limits and fallbacks as the rest of gengate, answered in
 * OpenAI's shapes, errors included.
 */
import { Hono } from "hono";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { requireToken } from "../auth.ts";
import { toGatewayError } from "../problem.ts";
import { chatRoutes } from "./chat.ts";
import { completionsRoutes } from "./completions.ts";
import { embeddingsRoutes } from "./embeddings.ts";
import { imageRoutes } from "./images.ts";
import { modelListRoutes } from "./models.ts";
import { openAiError } from "./openai-error.ts";
import { responsesRoutes } from "./responses.ts";

export function openAiApp(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError((error, c) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.status >= 500) deps.logger.error({ err: error, path: c.req.path }, "request failed");
    return openAiError(c, gatewayError);
  });
  app.use(requireToken(deps.store, deps.engine.limiter));
  app.route("/", chatRoutes(deps));
  app.route("/", responsesRoutes(deps));
  app.route("/", completionsRoutes(deps));
  app.route("/", embeddingsRoutes(deps));
  app.route("/", imageRoutes(deps));
  app.route("/", modelListRoutes(deps));
  // A mounted app's notFound is never called: the parent's would answer as problem+json.
  app.all("*", (c) => {
    throw new GatewayError("not_found", `Unknown request URL: ${c.req.method} ${c.req.path}`);
  });
  return app;
}
