/** Batches: create (idempotent with `Idempotency-Key`), read, list, cancel, retry, and the outputs as a zip. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Batch } from "../../core/batch.ts";
import { type BatchJson, namedOutputs, toBatchJson } from "../../core/batch-json.ts";
import { GatewayError } from "../../core/errors.ts";
import { parseNameTemplate } from "../../core/name-template.ts";
import type { BatchRequest } from "../../engine/batches.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { baseUrlOf, linksOf } from "../base-url.ts";
import { decodeCursor, pageOf } from "../pagination.ts";
import { readJson } from "../request-body.ts";
import { parseRetentionHeader, RETENTION_HEADER } from "../retention-header.ts";
import { checkWebhookUrl, webhookUrlSchema } from "../webhook-url.ts";
import { batchEventRoutes } from "./batch-events.ts";
import { batchFileRoutes } from "./batch-files.ts";

const PAGE_SIZE = 100;
const MAX_ITEMS = 10_000;
const MAX_IDEMPOTENCY_KEY = 200;

const inputSchema = z.record(z.string(), z.unknown(), { error: "input must be an object" });
const modelSchema = z.string({ error: "model must be a string" }).min(1, "model must not be empty");

const itemSchema = z.strictObject({
  model: modelSchema.optional(),
  input: inputSchema.optional(),
  output_path: z.string({ error: "output_path must be a string" }).optional(),
  metadata: z.record(z.string(), z.unknown(), { error: "metadata must be an object" }).optional(),
});

const batchRequestSchema = z.strictObject({
  model: modelSchema.optional(),
  input: inputSchema.optional(),
  items: z
    .array(itemSchema, { error: "items must be a list of { model?, input?, output_path?, metadata? }" })
    .min(1, "items must not be empty")
    .max(MAX_ITEMS, `a batch holds at most ${MAX_ITEMS} items`),
  name_template: z.string({ error: "name_template must be a string" }).optional(),
  concurrency: z
    .int({ error: "concurrency must be a whole number" })
    .positive("concurrency must be 1 or more")
    .max(MAX_ITEMS, `concurrency must be at most ${MAX_ITEMS}`)
    .optional(),
  webhook: webhookUrlSchema.optional(),
});

function idempotencyKeyOf(c: Context): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
    throw new GatewayError("bad_request", `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
  }
  return key;
}

export function batchRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, config, storage } = deps;
  const app = new Hono<ApiEnv>();
  const batches = engine.batches;

  const render = async (c: Context<ApiEnv>, batch: Batch, withItems = true): Promise<BatchJson> => {
    const items = await batches.items(batch.id);
    const cost = engine.catalog.pricing.sum(items.map((item) => item.prediction));
    const summary = { usd: cost.usd, unpriced_items: cost.unpricedItems };
    return toBatchJson(batch, items, summary, linksOf(c, deps), withItems);
  };
  const batchOf = (c: Context<ApiEnv>) => batches.get(c.req.param("id") ?? "", ownerScope(c.get("token")));

  app.route("/", batchFileRoutes());

  app.post("/batches", async (c) => {
    const body = await readJson(c, batchRequestSchema);
    checkWebhookUrl(body.webhook, config.allowPrivateUrls);
    const idempotencyKey = idempotencyKeyOf(c);
    const retentionMs = parseRetentionHeader(c.req.header(RETENTION_HEADER));
    const request: BatchRequest = {
      items: body.items.map(({ model, input, output_path, metadata }) => ({
        ...(model !== undefined && { model }),
        ...(input !== undefined && { input }),
        ...(output_path !== undefined && { outputPath: output_path }),
        ...(metadata !== undefined && { metadata }),
      })),
      tokenId: c.get("token").id,
      owner: c.get("token"),
      ...(body.model !== undefined && { model: body.model }),
      ...(body.input !== undefined && { input: body.input }),
      ...(body.name_template !== undefined && { nameTemplate: body.name_template }),
      ...(body.concurrency !== undefined && { concurrency: body.concurrency }),
      ...(body.webhook !== undefined && { webhook: body.webhook }),
      ...(idempotencyKey !== undefined && { idempotencyKey }),
      ...(retentionMs !== undefined && { retentionMs }),
    };
    const { batch, created } = await batches.create(request);
    return c.json(await render(c, batch), created ? 201 : 200);
  });

  app.get("/batches", async (c) => {
    const before = decodeCursor(c.req.query("cursor"));
    const scope = ownerScope(c.get("token"));
    const rows = await batches.list({
      limit: PAGE_SIZE + 1,
      ...(scope !== undefined && { tokenId: scope }),
      ...(before && { before }),
    });
    const page = pageOf(
      rows,
      PAGE_SIZE,
      `${baseUrlOf(c, config.publicUrl)}/v1/batches`,
      (b) => b,
      (b) => b,
    );
    const results = await Promise.all(page.results.map((batch) => render(c, batch, false)));
    return c.json({ ...page, results });
  });

  app.get("/batches/:id", async (c) => c.json(await render(c, await batchOf(c))));

  app.post("/batches/:id/cancel", async (c) => {
    const batch = await batchOf(c);
    return c.json(await render(c, await batches.cancel(batch.id)));
  });

  app.post("/batches/:id/retry", async (c) => {
    const batch = await batchOf(c);
    return c.json(await render(c, await batches.retry(batch.id)));
  });

  app.get("/batches/:id/archive", async (c) => {
    const batch = await batchOf(c);
    const template = parseNameTemplate(batch.nameTemplate);
    const files = (await batches.items(batch.id)).flatMap((item) => namedOutputs(template, item));
    const entries = files.map(({ name, key }) => ({ name, open: () => storage.open(key) }));
    // Loaded on first use, with the zip library: few processes are ever asked for an archive.
    const { zipStream } = await import("../zip-stream.ts");
    return new Response(zipStream(toAsync(entries)), {
      headers: {
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="batch-${batch.id}.zip"`,
      },
    });
  });

  app.route("/", batchEventRoutes(deps));
  return app;
}

async function* toAsync<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}
