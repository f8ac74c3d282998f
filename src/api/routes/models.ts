/** Models and versions, with each version's Cog-style `openapi_schema` (reference/replicate.md §2.2). */
import { type Context, Hono } from "hono";
import { ALIAS_OWNER } from "../../catalog/catalog.ts";
import { GatewayError } from "../../core/errors.ts";
import { isOthersModel } from "../../engine/trained-model-owners.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { baseUrlOf } from "../base-url.ts";
import { aliasJson, createdModelJson, modelJson, versionJson } from "../model-json.ts";
import { firstTargetModel } from "../openai/models.ts";

export function modelRoutes({ engine, config, store }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { providers, catalog } = engine;
  const aliasOf = (c: Context<ApiEnv>) =>
    c.req.param("owner") === ALIAS_OWNER ? catalog.get(c.req.param("name") ?? "") : undefined;
  /** `owner/name` of the path, when the caller may see that model (another token's trained model is not found). */
  const nameOf = async (c: Context<ApiEnv>) => {
    const name = `${c.req.param("owner")}/${c.req.param("name")}`;
    const token = c.get("token");
    if (await isOthersModel(store, name, { tokenId: token.id, isAdmin: token.isAdmin }))
      throw new GatewayError("not_found", `model ${name} not found`);
    return name;
  };
  const resolveModel = async (c: Context<ApiEnv>) => {
    const ref = {
      kind: "model",
      owner: c.req.param("owner") ?? "",
      name: c.req.param("name") ?? "",
    } as const;
    return (await providers.resolve(ref)).model;
  };
  const modelOf = async (c: Context<ApiEnv>) => {
    await nameOf(c);
    return resolveModel(c);
  };
  /** The model, or one made through POST /v1/models that no provider shows yet: it has no version. */
  const modelOrMade = async (c: Context<ApiEnv>) => {
    const name = await nameOf(c);
    return resolveModel(c).catch(async (error: unknown) => {
      const made = await engine.models.get(name);
      if (made && error instanceof GatewayError && error.code === "not_found") return made;
      throw error;
    });
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
    const model = await modelOrMade(c);
    return c.json("versionId" in model ? modelJson(model, base) : createdModelJson(model, base));
  });

  app.get("/models/:owner/:name/versions", async (c) => {
    const model = await modelOrMade(c);
    const results = "versionId" in model ? [versionJson(model)] : [];
    return c.json({ next: null, previous: null, results });
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
