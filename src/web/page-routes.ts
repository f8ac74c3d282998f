/** The dashboard's pages; what they show comes from the public API, as the signed-in user. */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { GatewayError } from "../core/errors.ts";
import { found, typedApi } from "./api-client.ts";
import { render } from "./render-page.ts";
import { requireSession } from "./require-session.ts";
import type { SessionSealer } from "./session.ts";
import { batchesView, batchView } from "./views/batches-view.ts";
import { compareView } from "./views/compare-view.ts";
import { type GalleryFilters, galleryView } from "./views/gallery-view.ts";
import { loraView } from "./views/lora-view.ts";
import { lorasView } from "./views/loras-view.ts";
import { messageView } from "./views/message-view.ts";
import { playgroundView } from "./views/playground-view.ts";
import { predictionView } from "./views/prediction-view.ts";
import { listFiltersOf, predictionsView } from "./views/predictions-view.ts";
import { toolsView } from "./views/tools-view.ts";
import type { WebDeps, WebEnv } from "./web-env.ts";

export function pageRoutes(
  { api }: WebDeps,
  sealer: SessionSealer,
  headers: MiddlewareHandler,
): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const client = (c: Context<WebEnv>) => typedApi(c, api, c.get("session").token);
  const models = async (c: Context<WebEnv>) => (await found(client(c).GET("/v1/models")))?.results ?? [];
  /** The user's trained LoRAs, as the models they run as (`lora:<name>`). */
  const loras = async (c: Context<WebEnv>) =>
    ((await found(client(c).GET("/v1/loras")))?.results ?? [])
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
    render(c, async () => {
      const account = await found(client(c).GET("/v1/account"));
      const filters = listFiltersOf((name) => c.req.query(name));
      return predictionsView(c.get("session"), await models(c), filters, account?.gengate?.admin === true);
    }),
  );

  app.get("/tools", headers, session, (c) => c.html(toolsView(c.get("session"))));

  app.get("/batches", headers, session, (c) =>
    render(c, async () => batchesView(c.get("session"), await models(c))),
  );

  app.get("/batches/:id", headers, session, (c) =>
    render(c, async () => {
      const id = c.req.param("id");
      if (await found(client(c).GET("/v1/batches/{id}", { params: { path: { id } } })))
        return batchView(c.get("session"), id);
      c.status(404);
      return messageView(c.get("session"), "batches", "Batch not found", `No batch ${id} is yours to see.`);
    }),
  );

  app.get("/p/:id", headers, session, (c) =>
    render(c, async () => {
      const id = c.req.param("id");
      const prediction = await found(client(c).GET("/v1/predictions/{id}", { params: { path: { id } } }));
      if (prediction) return predictionView(c.get("session"), prediction);
      c.status(404);
      return messageView(
        c.get("session"),
        "predictions",
        "Prediction not found",
        `No prediction ${id} is yours to see.`,
      );
    }),
  );

  app.get("/loras", headers, session, (c) =>
    render(c, async () => {
      const limits = await found(client(c).GET("/v1/lora-photo-limits"));
      if (!limits) throw new GatewayError("internal", "the API gave no photo limits");
      return lorasView(c.get("session"), limits);
    }),
  );

  app.get("/loras/:id", headers, session, (c) =>
    render(c, async () => {
      const id = c.req.param("id");
      const lora = await found(client(c).GET("/v1/loras/{id}", { params: { path: { id } } }));
      if (lora) return loraView(c.get("session"), lora);
      c.status(404);
      return messageView(c.get("session"), "loras", "LoRA not found", `No LoRA ${id} is yours to see.`);
    }),
  );

  app.get("/gallery", headers, session, (c) =>
    render(c, async () => {
      const filters: GalleryFilters = {
        q: c.req.query("q")?.trim() ?? "",
        model: c.req.query("model") ?? "",
        favorite: c.req.query("favorite") === "true",
      };
      return galleryView(c.get("session"), await models(c), filters);
    }),
  );

  return app;
}
