/** Replicate's prediction endpoints (reference/replicate.md §2.1, §4, §13.1). */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { type Prediction, WEBHOOK_EVENTS } from "../../core/prediction.ts";
import type { SubmitRequest } from "../../engine/requests.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { baseUrlOf, linksOf } from "../base-url.ts";
import { decodeCursor, pageOf } from "../pagination.ts";
import { FILTER_PARAMS, predictionFilterFields, sortField, storeFilters } from "../prediction-filters.ts";
import { predictionRenderer } from "../prediction-json.ts";
import { parseCancelAfter, parsePreferWait } from "../prefer-headers.ts";
import { invalidBody, readJson } from "../request-body.ts";
import { parseRetentionHeader, RETENTION_HEADER } from "../retention-header.ts";
import { checkWebhookUrl, webhookUrlSchema } from "../webhook-url.ts";

const PAGE_SIZE = 100;

const requestFields = {
  input: z.record(z.string(), z.unknown(), { error: "input must be an object" }),
  webhook: webhookUrlSchema.optional(),
  webhook_events_filter: z.array(z.enum(WEBHOOK_EVENTS)).optional(),
  stream: z.boolean().optional(),
};
const modelRequestSchema = z.looseObject(requestFields);
/** gengate's filters and order of the list, from the query string. */
const listQuerySchema = z.object({ ...predictionFilterFields, sort: sortField });
const versionRequestSchema = z.looseObject({
  ...requestFields,
  version: z.string({ error: "version is required" }).min(1, "version is required"),
});

export function predictionRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, retention, config } = deps;
  const app = new Hono<ApiEnv>();
  const render = predictionRenderer(engine.catalog.pricing);
  const renderFor = (c: Context<ApiEnv>, p: Prediction) => render(linksOf(c, deps))(p);

  const create = async (
    c: Context<ApiEnv>,
    model: SubmitRequest["model"],
    body: z.infer<typeof modelRequestSchema>,
  ) => {
    checkWebhookUrl(body.webhook, config.allowPrivateUrls);
    const wait = parsePreferWait(c.req.header("prefer"));
    const cancelAfter = parseCancelAfter(c.req.header("cancel-after"));
    const retentionMs = parseRetentionHeader(c.req.header(RETENTION_HEADER));
    const token = c.get("token");
    const request: SubmitRequest = { model, input: body.input, tokenId: token.id, owner: token };
    if (retentionMs !== undefined) request.retentionMs = retentionMs;
    if (body.webhook) request.webhook = body.webhook;
    if (body.webhook_events_filter) request.webhookEventsFilter = body.webhook_events_filter;
    if (cancelAfter !== undefined) request.deadlineAt = Date.now() + cancelAfter;
    if (wait) c.header("Preference-Applied", wait.applied);
    // With a wait, answer strictly before the client's read timeout of N s.
    const prediction = wait
      ? await engine.submitAndWait(request, wait.seconds * 1000 - 250)
      : await engine.submit(request);
    const json = renderFor(c, prediction);
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
    const query = listQuerySchema.safeParse(c.req.query());
    if (!query.success) throw invalidBody(query.error, "query");
    const { sort, ...filters } = query.data;
    const rows = await engine.list({
      ...storeFilters(filters, c.get("token")),
      limit: PAGE_SIZE + 1,
      ...(sort && { order: sort }),
      ...(before && { before }),
    });
    const base = baseUrlOf(c, config.publicUrl);
    const pageUrl = new URL(`${base}/v1/predictions`);
    for (const name of [...FILTER_PARAMS, "sort"]) {
      const value = c.req.query(name);
      if (value !== undefined) pageUrl.searchParams.set(name, value);
    }
    return c.json(pageOf(rows, PAGE_SIZE, pageUrl.toString(), (p) => p, render(linksOf(c, deps))));
  });

  app.get("/predictions/:id", async (c) => {
    return c.json(renderFor(c, await engine.get(c.req.param("id"), ownerScope(c.get("token")))));
  });

  app.post("/predictions/:id/cancel", async (c) => {
    return c.json(renderFor(c, await engine.cancel(c.req.param("id"), ownerScope(c.get("token")))));
  });

  app.delete("/predictions/:id/files", async (c) => {
    const prediction = await engine.get(c.req.param("id"), ownerScope(c.get("token")));
    return c.json(renderFor(c, await retention.removeNow(prediction)));
  });

  return app;
}
