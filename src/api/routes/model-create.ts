/**
 * `POST /v1/models` (Replicate's models.create): a model to train into. Made at Replicate when its
 * owner is the Replicate account's, or kept by gengate for a provider without a platform (the
 * simulator); see engine/created-models.ts.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { baseUrlOf } from "../base-url.ts";
import { createdModelJson } from "../model-json.ts";
import { readJson } from "../request-body.ts";

/** Replicate's rule for model names. */
const MODEL_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$/;
const text = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .max(2000)
    .optional();
const link = (field: string) =>
  z
    .url({ protocol: /^https?$/, error: `${field} must be an http(s) URL` })
    .max(2000)
    .optional();

const newModelSchema = z.strictObject(
  {
    owner: z.string({ error: "owner is required" }).min(1, "owner is required"),
    name: z
      .string({ error: "name is required" })
      .regex(
        MODEL_NAME,
        "name must be 1 to 100 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
      ),
    visibility: z.enum(["public", "private"], { error: 'visibility must be "public" or "private"' }),
    hardware: z
      .string({ error: 'hardware is required (a SKU from GET /v1/hardware, or "cpu")' })
      .min(1, 'hardware is required (a SKU from GET /v1/hardware, or "cpu")'),
    description: text("description"),
    github_url: link("github_url"),
    paper_url: link("paper_url"),
    license_url: link("license_url"),
    cover_image_url: link("cover_image_url"),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown field: ${issue.keys.join(", ")}` : undefined,
  },
);

export function modelCreateRoutes({ engine, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/models", async (c) => {
    const fields = await readJson(c, newModelSchema);
    const token = c.get("token");
    const { model, platformJson } = await engine.models.create({
      ...fields,
      caller: { tokenId: token.id, isAdmin: token.isAdmin },
    });
    return c.json(platformJson ?? createdModelJson(model, baseUrlOf(c, config.publicUrl)), 201);
  });
  return app;
}
