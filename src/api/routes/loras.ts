/**
 * gengate's LoRA flow: `POST /v1/loras` with photos (multipart) or a zip URL starts it; the LoRA
 * is read, listed, canceled and deleted here, and used as `model: "lora:<name>"`.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { LoraCaller, LoraRequest } from "../../engine/training/lora-service.ts";
import { DEFAULT_PHOTO_LIMITS } from "../../engine/training/photos/limits.ts";
import { PHOTO_MEDIA_TYPES } from "../../engine/training/photos/normalise-image.ts";
import type { UploadedFile } from "../../engine/training/photos/uploaded-file.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { baseUrlOf, linksOf } from "../base-url.ts";
import { limitBody } from "../body-limit.ts";
import { inField } from "../field-error.ts";
import { decodeCursor, pageOf } from "../pagination.ts";
import { checkFormFields, invalidBody, readJson } from "../request-body.ts";
import { checkWebhookUrl, webhookUrlSchema } from "../webhook-url.ts";

const PAGE_SIZE = 100;

const samples = z.int({ error: "samples must be a whole number" });
const params = z.record(z.string(), z.unknown(), { error: "params must be an object" });
const fields = {
  name: z.string({ error: "name is required" }),
  trigger_word: z.string().min(1, "trigger_word must not be empty").max(64).optional(),
  provider: z.string().optional(),
  trainer: z.string().optional(),
  params: params.optional(),
  samples: samples.optional(),
  webhook: webhookUrlSchema.optional(),
};
const jsonSchema = z.strictObject({
  ...fields,
  zip_url: z.url({ error: "zip_url must be a URL" }).optional(),
  photo_urls: z.array(z.url({ error: "each photo URL must be a URL" })).optional(),
});
const multipartSchema = z.strictObject({
  ...fields,
  params: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "params must be a JSON object" });
        return z.NEVER;
      }
    })
    .pipe(params)
    .optional(),
  samples: z.coerce.number().pipe(samples).optional(),
});

type Fields = Omit<LoraRequest, "tokenId" | "photos">;

function toFields(body: z.infer<typeof jsonSchema> | z.infer<typeof multipartSchema>): Fields {
  return {
    name: body.name,
    ...(body.trigger_word !== undefined && { triggerWord: body.trigger_word }),
    ...(body.provider !== undefined && { provider: body.provider }),
    ...(body.trainer !== undefined && { trainer: body.trainer }),
    ...(body.params !== undefined && { params: body.params }),
    ...(body.samples !== undefined && { samples: body.samples }),
    ...(body.webhook !== undefined && { webhook: body.webhook }),
  };
}

/** The last part of a photo URL's path, as its name (`photo` for a data URL or a path with none). */
function photoNameOf(url: string): string {
  const parsed = URL.parse(url);
  const last = parsed?.protocol === "data:" ? "" : (parsed?.pathname.split("/").pop() ?? "");
  try {
    return decodeURIComponent(last) || "photo";
  } catch {
    return last || "photo";
  }
}

function callerOf(c: Context<ApiEnv>): LoraCaller {
  const token = c.get("token");
  return { tokenId: token.id, seesAll: token.isAdmin };
}

export function loraRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, config } = deps;
  const app = new Hono<ApiEnv>();
  const loras = engine.loras;
  const render = async (c: Context<ApiEnv>, id: string) =>
    loras.render(await loras.get(id, callerOf(c)), linksOf(c, deps));

  /** Photos as multipart files (`photos`, repeatable; images or zips of them) and the fields as parts. */
  const fromMultipart = async (c: Context<ApiEnv>): Promise<LoraRequest> => {
    const form = await c.req.parseBody({ all: true }).catch(() => {
      throw new GatewayError("bad_request", "body must be multipart/form-data (photos and fields) or JSON");
    });
    checkFormFields(form);
    const { photos: parts, ...rest } = form;
    const parsed = multipartSchema.safeParse(rest);
    if (!parsed.success) throw invalidBody(parsed.error);
    checkWebhookUrl(parsed.data.webhook, config.allowPrivateUrls);
    const files = (Array.isArray(parts) ? parts : parts === undefined ? [] : [parts]).filter(
      (part): part is File => part instanceof File,
    );
    const photos: UploadedFile[] = await Promise.all(
      files.map(async (file) => ({ name: file.name, data: Buffer.from(await file.arrayBuffer()) })),
    );
    return { ...toFields(parsed.data), tokenId: c.get("token").id, photos };
  };

  /** Photos by URL: a zip (`zip_url`) or images (`photo_urls`), read the way file inputs are, as the caller's. */
  const fromJson = async (c: Context<ApiEnv>): Promise<LoraRequest> => {
    const body = await readJson(c, jsonSchema);
    checkWebhookUrl(body.webhook, config.allowPrivateUrls);
    const tokenId = c.get("token").id;
    const urls: [field: string, url: string][] = [
      ...(body.zip_url ? [["zip_url", body.zip_url] as [string, string]] : []),
      ...(body.photo_urls ?? []).map((url, i): [string, string] => [`photo_urls.${i}`, url]),
    ];
    const photos: UploadedFile[] = [];
    for (const [field, url] of urls) {
      const file = await engine.readInput(url, tokenId).catch((error: unknown) => {
        throw inField(error, field);
      });
      photos.push({ name: photoNameOf(url), data: file.data });
    }
    return { ...toFields(body), tokenId, photos };
  };

  app.post("/loras", limitBody(config.maxFileBytes, "The photos"), async (c) => {
    const isJson = (c.req.header("content-type") ?? "").startsWith("application/json");
    const request = isJson ? await fromJson(c) : await fromMultipart(c);
    const lora = await loras.create(request);
    return c.json(await loras.render(lora, linksOf(c, deps)), 201);
  });

  /** What the photos are checked against, for a client to check them before it uploads anything. */
  app.get("/lora-photo-limits", (c) => {
    const limits = DEFAULT_PHOTO_LIMITS;
    return c.json({
      min_photos: limits.minPhotos,
      max_photos: limits.maxPhotos,
      max_file_bytes: limits.maxFileBytes,
      // The whole request is capped too, by the largest upload.
      max_total_bytes: Math.min(limits.maxTotalBytes, config.maxFileBytes),
      min_side: limits.minSide,
      max_pixels: limits.maxPixels,
      photo_types: Object.values(PHOTO_MEDIA_TYPES).flat(),
      archive_types: ["application/zip"],
    });
  });

  app.get("/loras", async (c) => {
    const before = decodeCursor(c.req.query("cursor"));
    const scope = ownerScope(c.get("token"));
    const rows = await loras.list({
      limit: PAGE_SIZE + 1,
      ...(scope !== undefined && { tokenId: scope }),
      ...(before && { before }),
    });
    const base = baseUrlOf(c, config.publicUrl);
    const page = pageOf(
      rows,
      PAGE_SIZE,
      `${base}/v1/loras`,
      (lora) => lora,
      (lora) => lora,
    );
    return c.json({
      ...page,
      results: await Promise.all(page.results.map((lora) => loras.render(lora, linksOf(c, deps)))),
    });
  });

  app.get("/loras/:id", async (c) => c.json(await render(c, c.req.param("id"))));

  app.post("/loras/:id/cancel", async (c) => {
    const lora = await loras.cancel(c.req.param("id"), callerOf(c));
    return c.json(await loras.render(lora, linksOf(c, deps)));
  });

  app.delete("/loras/:id", async (c) => {
    await loras.delete(c.req.param("id"), callerOf(c));
    return c.body(null, 204);
  });

  return app;
}
