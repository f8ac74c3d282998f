/** Models and versions, with each version's Cog-style `openapi_schema` (reference/replicate.md §2.2). */
import { createHash } from "node:crypto";
import { type Context, Hono } from "hono";
import { aliasInputSchema } from "../../catalog/alias-schema.ts";
import { ALIAS_OWNER, type CatalogEntry } from "../../catalog/catalog.ts";
import { GatewayError } from "../../core/errors.ts";
import { isOthersModel } from "../../engine/trained-model-owners.ts";
import type { ModelDescriptor } from "../../providers/provider.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { baseUrlOf } from "../base-url.ts";
import { firstTargetModel } from "../openai/models.ts";

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

/**
 * What an alias takes, as a version: its first target's schema under the alias's names. The id is
 * the alias's own, so a client that runs "this version" reaches no other model than the alias.
 */
function aliasVersionJson(entry: CatalogEntry, first: ModelDescriptor) {
  const target = entry.targets[0];
  const inputSchema = target ? aliasInputSchema(target, first.inputSchema) : first.inputSchema;
  const id = createHash("sha256")
    .update(`${ALIAS_OWNER}/${entry.name}\n${target?.provider}/${first.versionId}`)
    .digest("hex");
  return versionJson({ ...first, versionId: id, inputSchema });
}

/**
 * A catalog alias in the shape of a model; its targets and rules in the `gengate` extension.
 * `first`, its first target's model when known, gives it a version (the list leaves it out, so
 * listing asks no provider).
 */
function aliasJson(entry: CatalogEntry, base: string, first: ModelDescriptor | null = null) {
  return {
    url: `${base}/v1/models/${ALIAS_OWNER}/${entry.name}`,
    owner: ALIAS_OWNER,
    name: entry.name,
    description: entry.description,
    ...NO_DETAILS,
    latest_version: first ? aliasVersionJson(entry, first) : null,
    gengate: {
      builtin: entry.builtin,
      strategy: entry.strategy,
      on_unsupported: entry.onUnsupported,
      fallback: entry.fallback ?? null,
      targets: entry.targets,
    },
  };
}

export function modelRoutes({ engine, config, store }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { providers, catalog } = engine;
  const aliasOf = (c: Context<ApiEnv>) =>
    c.req.param("owner") === ALIAS_OWNER ? catalog.get(c.req.param("name") ?? "") : undefined;
  const modelOf = async (c: Context<ApiEnv>) => {
    const ref = {
      kind: "model",
      owner: c.req.param("owner") ?? "",
      name: c.req.param("name") ?? "",
    } as const;
    const name = `${ref.owner}/${ref.name}`;
    const token = c.get("token");
    if (await isOthersModel(store, name, { tokenId: token.id, isAdmin: token.isAdmin }))
      throw new GatewayError("not_found", `model ${name} not found`);
    const { model } = await providers.resolve(ref);
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
    if (alias) return c.json(aliasJson(alias, base, await firstTargetModel(alias, engine)));
    return c.json(modelJson(await modelOf(c), base));
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
