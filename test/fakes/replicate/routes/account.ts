/** Account, hardware, the webhook signing secret, and deployments. */
import { Hono } from "hono";
import { signingSecret } from "../../../../src/core/webhook-signature.ts";
import { ACCOUNT, HARDWARE } from "../builtin-models.ts";
import { deploymentJson } from "../catalog-json.ts";
import type { FakeEnv, FakeState } from "../context.ts";
import { page } from "../pagination.ts";
import { notFound } from "../problem.ts";

export function accountRoutes(state: FakeState): Hono<FakeEnv> {
  const { catalog } = state;
  const app = new Hono<FakeEnv>();

  app.get("/account", (c) => c.json({ ...ACCOUNT, github_url: `https://github.com/${ACCOUNT.username}` }));

  app.get("/hardware", (c) => c.json(HARDWARE));

  app.get("/webhooks/default/secret", (c) => c.json({ key: signingSecret(state.webhookKey) }));

  app.get("/deployments", (c) =>
    c.json(page(c, catalog.deployments(), (deployment) => deployment.seq, deploymentJson)),
  );

  app.get("/deployments/:owner/:name", (c) => {
    const deployment = catalog.deployment(`${c.req.param("owner")}/${c.req.param("name")}`);
    if (!deployment) throw notFound("deployment");
    return c.json(deploymentJson(deployment));
  });

  return app;
}
