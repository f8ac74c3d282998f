/** Replicate's prediction endpoints (reference/replicate.md §2.1, §4, §13.1). */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { CLIENT_STATUSES, type Prediction, WEBHOOK_EVENTS } from "../../core/prediction.ts";
import { toReplicateJson } from "../../core/replicate-json.ts";
import type { SubmitRequest } from "../../engine/engine.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { baseUrlOf } from "../base-url.ts";
import { decodeCursor, pageOf } from "../pagination.ts";
import { parseCancelAfter, parsePreferWait } from "../prefer-headers.ts";
import { invalidBody, readJson } from "../request-body.ts";
import { checkWebhookUrl, webhookUrlSchema } from "../webhook-url.ts";

const PAGE_SIZE = 100;

const requestFields = {
  input: z.record(z.string(), z.unknown(), { error: "input must be an object" }),
  webhook: webhookUrlSchema.optional(),
  webhook_events_filter: z.array(z.enum(WEBHOOK_EVENTS)).optional(),
  stream: z.boolean().optional(),
};
const modelRequestSchema = z.looseObject(requestFields);
/** gengate's filters on the list: `status` (comma-separated client statuses) and `model` (`owner/name`). */
const listFilterSchema = z.object({
  status: z
    .string()
    .transform((value) => value.split(","))
    .pipe(
      z.array(
        z.enum(CLIENT_STATUSES, {
          error: `status must be a comma-separated list of ${CLIENT_STATUSES.join(", ")}`,
        }),
      ),
    )
    .optional(),
  model: z
    .string()
    .regex(/^[^/\s]+\/[^/\s]+$/, "model must be owner/name")
    .optional(),
});
const versionRequestSchema = z.looseObject({
  ...requestFields,
  version: z.string({ error: "version is required" }).min(1, "version is required"),
});

export function predictionRoutes({ engine, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const render = (c: Context<ApiEnv>, p: Prediction) => toReplicateJson(p, baseUrlOf(c, config.publicUrl));

  const create = async (
    c: Context<ApiEnv>,
    model: SubmitRequest["model"],
    body: z.infer<typeof modelRequestSchema>,
  ) => {
    checkWebhookUrl(body.webhook, config.allowPrivateUrls);
    const wait = parsePreferWait(c.req.header("prefer"));
    const cancelAfter = parseCancelAfter(c.req.header("cancel-after"));
    const request: SubmitRequest = { model, input: body.input, tokenId: c.get("token").id };
    if (body.webhook) request.webhook = body.webhook;
    if (body.webhook_events_filter) request.webhookEventsFilter = body.webhook_events_filter;
    if (cancelAfter !== undefined) request.deadlineAt = Date.now() + cancelAfter;
    let prediction = await engine.submit(request);
    if (wait) {
      c.header("Preference-Applied", wait.applied);
      // Answer strictly before the client's read timeout of N s.
      prediction = await engine.waitFor(prediction.id, wait.seconds * 1000 - 250);
    }
    const json = render(c, prediction);
    // The official clients treat anything but "starting" as final after a wait (replicate.md §0.2).
    if (wait && json.status === "processing") json.status = "starting";
    return c.json(json, 201);
  };

  app.post("/predictions", async (c) => {
    const body = await readJson(c, versionRequestSchema);
    return create(c, body.version, body);
  });

  app.post("/models/:owner/:name/predictions", async (c) => {
    const body = await readJson(c, modelRequestSchema);
    return create(c, `${c.req.param("owner")}/${c.req.param("name")}`, body);
  });

  app.post("/deployments/:owner/:name/predictions", async (c) => {
    const body = await readJson(c, modelRequestSchema);
    return create(c, { kind: "deployment", owner: c.req.param("owner"), name: c.req.param("name") }, body);
  });

  app.get("/predictions", async (c) => {
    const before = decodeCursor(c.req.query("cursor"));
    const filters = listFilterSchema.safeParse({
      status: c.req.query("status"),
      model: c.req.query("model"),
    });
    if (!filters.success) throw invalidBody(filters.error, "query");
    const { status, model } = filters.data;
    const token = c.get("token");
    const scope = ownerScope(token);
    const rows = await engine.list({
      limit: PAGE_SIZE + 1,
      ...(scope !== undefined && { tokenId: scope }),
      ...(before && { before }),
      ...(status && { statuses: status }),
      ...(model && { model }),
    });
    const base = baseUrlOf(c, config.publicUrl);
    const pageUrl = new URL(`${base}/v1/predictions`);
    if (status) pageUrl.searchParams.set("status", status.join(","));
    if (model) pageUrl.searchParams.set("model", model);
    return c.json(
      pageOf(
        rows,
        PAGE_SIZE,
        pageUrl.toString(),
        (p) => p,
        (p) => toReplicateJson(p, base),
      ),
    );
  });

  app.get("/predictions/:id", async (c) => {
    return c.json(render(c, await engine.get(c.req.param("id"), ownerScope(c.get("token")))));
  });

  app.post("/predictions/:id/cancel", async (c) => {
    return c.json(render(c, await engine.cancel(c.req.param("id"), ownerScope(c.get("token")))));
  });

  return app;
}
