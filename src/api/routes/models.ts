/** Models and versions, with each version's Cog-style `openapi_schema` (reference/replicate.md §2.2). */
import { type Context, Hono } from "hono";
import { ALIAS_OWNER, type CatalogEntry } from "../../catalog/catalog.ts";
import { GatewayError } from "../../core/errors.ts";
import type { ModelDescriptor } from "../../providers/provider.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { baseUrlOf } from "../base-url.ts";

const COG_VERSION = "0.16.0";

function versionJson(model: ModelDescriptor) {
  return {
    id: model.versionId,
    created_at: model.versionCreatedAt,
    cog_version: COG_VERSION,
    openapi_schema: {
      openapi: "3.0.2",
      info: { title: "Cog", version: "0.1.0" },
      paths: {},
      components: { schemas: { Input: model.inputSchema, Output: model.outputSchema } },
    },
  };
}

/** Replicate's model fields that gengate has no values for. */
const NO_DETAILS = {
  visibility: "public",
  github_url: null,
  paper_url: null,
  license_url: null,
  run_count: 0,
  cover_image_url: null,
  default_example: null,
  is_official: false,
} as const;

function modelJson(model: ModelDescriptor, base: string) {
  return {
    url: `${base}/v1/models/${model.owner}/${model.name}`,
    owner: model.owner,
    name: model.name,
    description: model.description,
    ...NO_DETAILS,
    created_at: model.versionCreatedAt,
    latest_version: versionJson(model),
  };
}

/** A catalog alias in the shape of a model; its targets and rules in the `gengate` extension. */
function aliasJson(entry: CatalogEntry, base: string) {
  return {
    url: `${base}/v1/models/${ALIAS_OWNER}/${entry.name}`,
    owner: ALIAS_OWNER,
    name: entry.name,
    description: entry.description,
    ...NO_DETAILS,
    latest_version: null,
    gengate: {
      builtin: entry.builtin,
      strategy: entry.strategy,
      on_unsupported: entry.onUnsupported,
      fallback: entry.fallback ?? null,
      targets: entry.targets,
    },
  };
}

export function modelRoutes({ engine, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { providers, catalog } = engine.ctx;
  const aliasOf = (c: Context<ApiEnv>) =>
    c.req.param("owner") === ALIAS_OWNER ? catalog.get(c.req.param("name") ?? "") : undefined;
  const modelOf = async (c: Context<ApiEnv>) => {
    const { model } = await providers.resolve({
      kind: "model",
      owner: c.req.param("owner") ?? "",
      name: c.req.param("name") ?? "",
    });
    return model;
  };

  app.get("/models", async (c) => {
    const base = baseUrlOf(c, config.publicUrl);
    const models = await providers.listModels();
    const results = [
      ...catalog.list().map((entry) => aliasJson(entry, base)),
      ...models.map(({ model }) => modelJson(model, base)),
    ];
    return c.json({ next: null, previous: null, results });
  });

  app.get("/models/:owner/:name", async (c) => {
    const base = baseUrlOf(c, config.publicUrl);
    const alias = aliasOf(c);
    return c.json(alias ? aliasJson(alias, base) : modelJson(await modelOf(c), base));
  });

  app.get("/models/:owner/:name/versions", async (c) => {
    return c.json({ next: null, previous: null, results: [versionJson(await modelOf(c))] });
  });

  app.get("/models/:owner/:name/versions/:id", async (c) => {
    const model = await modelOf(c);
    if (model.versionId !== c.req.param("id")) {
      throw new GatewayError(
        "not_found",
        `version ${c.req.param("id")} of ${model.owner}/${model.name} not found`,
      );
    }
    return c.json(versionJson(model));
  });

  return app;
}
