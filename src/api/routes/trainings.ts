/** Replicate's trainings endpoints (reference/replicate.md §2.3): trainings run like predictions. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { WEBHOOK_EVENTS } from "../../core/prediction.ts";
import { toTrainingJson } from "../../core/replicate-json.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { linksOf } from "../base-url.ts";
import { decodeCursor, pageOf } from "../pagination.ts";
import { readJson } from "../request-body.ts";
import { checkWebhookUrl, webhookUrlSchema } from "../webhook-url.ts";

const PAGE_SIZE = 100;

const trainingRequestSchema = z.looseObject({
  destination: z
    .string({ error: "destination is required" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'destination must be "owner/name"'),
  input: z.record(z.string(), z.unknown(), { error: "input must be an object" }),
  webhook: webhookUrlSchema.optional(),
  webhook_events_filter: z.array(z.enum(WEBHOOK_EVENTS)).optional(),
});

export function trainingRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, config } = deps;
  const app = new Hono<ApiEnv>();
  const base = (c: Context<ApiEnv>) => linksOf(c, deps);

  const ownTraining = async (c: Context<ApiEnv>) => {
    const training = await engine.get(c.req.param("id") ?? "", ownerScope(c.get("token")));
    if (!training.destination) throw new GatewayError("not_found", `training ${training.id} not found`);
    return training;
  };

  app.post("/models/:owner/:name/versions/:version/trainings", async (c) => {
    const body = await readJson(c, trainingRequestSchema);
    checkWebhookUrl(body.webhook, config.allowPrivateUrls);
    const { owner, name, version } = c.req.param();
    const training = await engine.submitTraining({
      trainer: `${owner}/${name}:${version}`,
      destination: body.destination,
      input: body.input,
      tokenId: c.get("token").id,
      owner: c.get("token"),
      ...(body.webhook && { webhook: body.webhook }),
      ...(body.webhook_events_filter && { webhookEventsFilter: body.webhook_events_filter }),
    });
    return c.json(toTrainingJson(training, base(c)), 201);
  });

  app.get("/trainings", async (c) => {
    const before = decodeCursor(c.req.query("cursor"));
    const scope = ownerScope(c.get("token"));
    const rows = await engine.list({
      limit: PAGE_SIZE + 1,
      trainings: true,
      ...(scope !== undefined && { tokenId: scope }),
      ...(before && { before }),
    });
    const url = `${base(c)}/v1/trainings`;
    return c.json(
      pageOf(
        rows,
        PAGE_SIZE,
        url,
        (t) => t,
        (t) => toTrainingJson(t, base(c)),
      ),
    );
  });

  app.get("/trainings/:id", async (c) => c.json(toTrainingJson(await ownTraining(c), base(c))));

  app.post("/trainings/:id/cancel", async (c) => {
    const training = await ownTraining(c);
    return c.json(toTrainingJson(await engine.cancel(training.id), base(c)));
  });

  return app;
}
