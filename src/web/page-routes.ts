/** The dashboard's pages; what they show comes from the public API, as the signed-in user. */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { getApiJson } from "./api-client.ts";
import { render } from "./render-page.ts";
import { requireSession } from "./require-session.ts";
import type { SessionSealer } from "./session.ts";
import { compareView } from "./views/compare-view.ts";
import { messageView } from "./views/message-view.ts";
import type { ModelSummary } from "./views/model-options.ts";
import { playgroundView } from "./views/playground-view.ts";
import { type PredictionSummary, predictionView } from "./views/prediction-view.ts";
import { predictionsView } from "./views/predictions-view.ts";
import type { WebDeps, WebEnv } from "./web-env.ts";

export function pageRoutes(
  { api }: WebDeps,
  sealer: SessionSealer,
  headers: MiddlewareHandler,
): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const get = <T>(c: Context<WebEnv>, path: string) => getApiJson<T>(c, api, c.get("session").token, path);
  const models = async (c: Context<WebEnv>) =>
    (await get<{ results: ModelSummary[] }>(c, "/v1/models"))?.results ?? [];
  /** The user's trained LoRAs, as the models they run as (`lora:<name>`). */
  const loras = async (c: Context<WebEnv>) =>
    ((await get<{ results: Array<{ model: string; status: string }> }>(c, "/v1/loras"))?.results ?? [])
      .filter((lora) => lora.status === "ready")
      .map((lora) => lora.model);
  const pickable = (c: Context<WebEnv>) => Promise.all([models(c), loras(c)]);

  const session = requireSession(sealer, "sign-in");

  app.get("/", (c) => c.redirect("/playground"));

  app.get("/playground", headers, session, (c) =>
    render(c, async () => playgroundView(c.get("session"), ...(await pickable(c)), c.req.query("model"))),
  );

  app.get("/compare", headers, session, (c) =>
    render(c, async () => compareView(c.get("session"), ...(await pickable(c)))),
  );

  app.get("/predictions", headers, session, (c) =>
    render(c, async () =>
      predictionsView(c.get("session"), await models(c), {
        status: c.req.query("status") ?? "",
        model: c.req.query("model") ?? "",
        id: c.req.query("id")?.trim() ?? "",
      }),
    ),
  );

  app.get("/p/:id", headers, session, (c) =>
    render(c, async () => {
      const id = c.req.param("id");
      const found = await get<PredictionSummary>(c, `/v1/predictions/${encodeURIComponent(id)}`);
      if (found) return predictionView(c.get("session"), found);
      c.status(404);
      return messageView(
        c.get("session"),
        "predictions",
        "Prediction not found",
        `No prediction ${id} is yours to see.`,
      );
    }),
  );

  return app;
}
