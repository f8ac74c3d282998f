/**
 * Finding models: collections (curated lists), `QUERY /models` (the body is the plain-text query;
 * a page of public models) and the beta `GET /search` (models with metadata, collections, pages).
 */
import { Hono } from "hono";
import { searchText } from "../../../../src/api/routes/model-search.ts";
import { COLLECTIONS } from "../builtin-models.ts";
import type { ModelRecord } from "../catalog.ts";
import { modelJson } from "../catalog-json.ts";
import type { FakeEnv, FakeState } from "../context.ts";
import { page } from "../pagination.ts";
import { badRequest, notFound } from "../problem.ts";

const matches = (model: ModelRecord, query: string) =>
  model.visibility === "public" &&
  [`${model.owner}/${model.name}`, model.description ?? ""].some((text) =>
    text.toLowerCase().includes(query),
  );

export function searchRoutes({ catalog }: FakeState): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();
  const positions = new Map(
    COLLECTIONS.map((collection, index) => [collection.slug, COLLECTIONS.length - index]),
  );

  app.get("/collections", (c) =>
    c.json(
      page(
        c,
        [...COLLECTIONS],
        (collection) => positions.get(collection.slug) ?? 0,
        ({ name, slug, description }) => ({ name, slug, description }),
      ),
    ),
  );

  app.get("/collections/:slug", (c) => {
    const collection = COLLECTIONS.find(({ slug }) => slug === c.req.param("slug"));
    if (!collection) throw notFound("collection");
    const models = collection.models.flatMap((name) => {
      const model = catalog.model(name);
      return model ? [modelJson(model)] : [];
    });
    return c.json({ ...collection, models });
  });

  app.on("QUERY", "/models", async (c) => {
    // The official JS client sends the text JSON-encoded (a quoted string), the Python one as it is.
    const query = searchText(await c.req.text()).toLowerCase();
    if (query === "") throw badRequest("Missing query", "The request body must be the search query");
    const found = catalog.models().filter((model) => matches(model, query));
    return c.json(page(c, found, (model) => model.seq, modelJson));
  });

  app.get("/search", (c) => {
    const query = c.req.query("query")?.trim() ?? "";
    if (query === "") throw badRequest("Missing query", "The query parameter is required");
    const limit = Number(c.req.query("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      throw badRequest("Invalid limit", "limit must be an integer from 1 to 50");
    const needle = query.toLowerCase();
    const models = catalog
      .models()
      .filter((model) => matches(model, needle))
      .slice(0, limit)
      .map((model) => ({
        model: modelJson(model),
        metadata: { generated_description: model.description, tags: [], score: 1 },
      }));
    const collections = COLLECTIONS.filter((collection) =>
      [collection.name, collection.description].some((text) => text.toLowerCase().includes(needle)),
    ).map(({ name, slug, description, models: names }) => ({ name, slug, description, models: names }));
    return c.json({ query, models, collections, pages: [] });
  });

  return app;
}
