/**
 * The gallery's API: `GET /v1/outputs` lists every stored output of the caller's succeeded
 * predictions (everyone's for an admin), newest first; `PUT`/`DELETE /v1/favorites/{prediction
 * id}/{index}` marks an output as one of the caller's own favourites, or unmarks it.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { Links } from "../../core/links.ts";
import { fileKeysOf } from "../../core/output.ts";
import type { GalleryViewer } from "../../engine/gallery.ts";
import type { GalleryEntry } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { baseUrlOf, linksOf } from "../base-url.ts";
import { decodeCursor, pageOf } from "../pagination.ts";
import { invalidBody } from "../request-body.ts";

/** Predictions a page (each with one or more outputs). */
const PAGE_SIZE = 40;

const querySchema = z.object({
  q: z.string().trim().min(1, "q must not be empty").max(200, "q must be at most 200 characters").optional(),
  model: z
    .string()
    .min(1, "model must not be empty")
    .max(200, "model must be at most 200 characters")
    .optional(),
  favorite: z.literal("true", { error: "favorite must be true (or left out)" }).optional(),
});
const indexSchema = z.coerce
  .number({ error: "index must be a whole number" })
  .int("index must be a whole number")
  .min(0, "index must be 0 or more");

export interface OutputJson {
  prediction_id: string;
  /** The output's place among the prediction's files. */
  index: number;
  url: string;
  model: string;
  prompt: string | null;
  created_at: string;
  favorite: boolean;
  urls: { web: string; prediction: string; favorite: string };
}

function outputsOf(entry: GalleryEntry, links: Links): OutputJson[] {
  const { base } = links;
  const { prediction, favorites } = entry;
  const prompt = typeof prediction.input.prompt === "string" ? prediction.input.prompt : null;
  return fileKeysOf(prediction.output).map((key, index) => ({
    prediction_id: prediction.id,
    index,
    url: links.file(key),
    model: prediction.model,
    prompt,
    created_at: new Date(prediction.createdAt).toISOString(),
    favorite: favorites.includes(index),
    urls: {
      web: `${base}/p/${prediction.id}`,
      prediction: `${base}/v1/predictions/${prediction.id}`,
      favorite: `${base}/v1/favorites/${prediction.id}/${index}`,
    },
  }));
}

function viewerOf(c: Context<ApiEnv>): GalleryViewer {
  const token = c.get("token");
  return { tokenId: token.id, scope: ownerScope(token) };
}

export function galleryRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, config } = deps;
  const app = new Hono<ApiEnv>();

  app.get("/outputs", async (c) => {
    const before = decodeCursor(c.req.query("cursor"));
    const parsed = querySchema.safeParse({
      q: c.req.query("q"),
      model: c.req.query("model"),
      favorite: c.req.query("favorite"),
    });
    if (!parsed.success) throw invalidBody(parsed.error, "query");
    const { q, model, favorite } = parsed.data;
    const entries = await engine.gallery.list(viewerOf(c), {
      limit: PAGE_SIZE + 1,
      ...(before && { before }),
      ...(model && { model }),
      ...(q && { text: q }),
      ...(favorite && { favoritesOnly: true }),
    });
    const base = baseUrlOf(c, config.publicUrl);
    const pageUrl = new URL(`${base}/v1/outputs`);
    for (const [name, value] of Object.entries({ q, model, favorite })) {
      if (value) pageUrl.searchParams.set(name, value);
    }
    const page = pageOf(
      entries,
      PAGE_SIZE,
      pageUrl.toString(),
      (entry) => entry.prediction,
      (entry) => outputsOf(entry, linksOf(c, deps)),
    );
    return c.json({ ...page, results: page.results.flat() });
  });

  const setFavorite = (on: boolean) => async (c: Context<ApiEnv>) => {
    const index = indexSchema.safeParse(c.req.param("index"));
    if (!index.success) {
      const description = index.error.issues[0]?.message ?? "index must be a whole number";
      throw new GatewayError("bad_request", description, {
        invalidFields: [{ type: "format", field: "index", description }],
      });
    }
    await engine.gallery.setFavorite(viewerOf(c), c.req.param("id") ?? "", index.data, on);
    return c.body(null, 204);
  };
  app.put("/favorites/:id/:index", setFavorite(true));
  app.delete("/favorites/:id/:index", setFavorite(false));

  return app;
}
