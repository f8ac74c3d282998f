/**
 * `QUERY /v1/models` (Replicate's models.search): the body is the plain-text query. gengate's
 * catalog, the providers' models and the caller's own made models that match, then what
 * Replicate's search finds when Replicate is configured.
 */
import { Hono } from "hono";
import { ALIAS_OWNER } from "../../catalog/catalog.ts";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { baseUrlOf } from "../base-url.ts";
import { aliasJson, createdModelJson, modelJson } from "../model-json.ts";

const MAX_QUERY_CHARS = 500;
/** The caller's own made models a search shows at most. */
const MAX_CREATED = 100;

const matches = (query: string, ...texts: (string | null | undefined)[]) =>
  texts.some((text) => text?.toLowerCase().includes(query));

/** A model gengate made at Replicate shows once, as gengate shows it. */
function firstOfEachName(models: unknown[]): unknown[] {
  const seen = new Set<string>();
  return models.filter((model) => {
    const { owner, name } = model as { owner?: unknown; name?: unknown };
    const key = `${String(owner)}/${String(name)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The search text. Replicate documents a plain-text body; the official JS client sends the text
 * JSON-encoded (a quoted string) under `Content-Type: text/plain`, so a body that is one JSON string
 * is that string.
 */
export function searchText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "string") return parsed.trim();
  } catch {}
  return body.trim();
}

async function readQuery(request: Request): Promise<string> {
  const query = searchText(await request.text());
  const refuse = (description: string) =>
    new GatewayError("invalid_input", `query: ${description}`, {
      invalidFields: [{ type: "query", field: "query", description }],
    });
  if (query === "") throw refuse("the body must be the search text (Content-Type: text/plain)");
  if (query.length > MAX_QUERY_CHARS)
    throw refuse(`the search text must be at most ${MAX_QUERY_CHARS} characters`);
  return query;
}

export function modelSearchRoutes({ engine, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.on("QUERY", "/models", async (c) => {
    const query = await readQuery(c.req.raw);
    const needle = query.toLowerCase();
    const base = baseUrlOf(c, config.publicUrl);
    const token = c.get("token");
    const platform = engine.models.platform();
    const [models, created, upstream] = await Promise.all([
      engine.providers.listModels(),
      engine.models.search(needle, { tokenId: token.id, isAdmin: token.isAdmin }, MAX_CREATED),
      platform ? platform.searchModels(query) : [],
    ]);
    const found = [
      ...engine.catalog
        .list()
        .filter((entry) => matches(needle, `${ALIAS_OWNER}/${entry.name}`, entry.description))
        .map((entry) => aliasJson(entry, base)),
      ...models
        .filter(({ model }) => matches(needle, `${model.owner}/${model.name}`, model.description))
        .map(({ model }) => modelJson(model, base)),
      ...created.map((model) => createdModelJson(model, base)),
      ...upstream,
    ];
    return c.json({ next: null, previous: null, results: firstOfEachName(found) });
  });
  return app;
}
