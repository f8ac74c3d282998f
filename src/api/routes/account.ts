/**
 * `GET /v1/account`: who the token belongs to, in the shape of Replicate's `account.get`, with
 * gengate's own details: the owners the token can create models as (POST /v1/models). `username`
 * is the first of them a client would use (`models.create(account.username, …)`); `name` is the
 * token's.
 */
import { Hono } from "hono";
import { CreatedModels } from "../../engine/created-models.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";

export function accountRoutes({ engine }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/account", async (c) => {
    const token = c.get("token");
    const { owners, failures } = await engine.models.owners();
    return c.json({
      type: "user",
      // Clients pass `username` to `models.create`: it is the owner they can make models as.
      username: CreatedModels.defaultOwner(owners)?.owner ?? token.name,
      name: token.name,
      gengate: {
        token_id: token.id,
        admin: token.isAdmin,
        model_owners: owners.map(({ owner, provider }) => ({ owner, provider: provider.id })),
        ...(failures.length > 0 && { warnings: failures.map((failure) => failure.message) }),
      },
    });
  });
  return app;
}
