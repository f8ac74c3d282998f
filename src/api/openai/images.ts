/**
 * OpenAI's image endpoints: `POST /images/generations` and `POST /images/edits` (an image, and a
 * mask for inpainting). Each request is one prediction through the engine, so the same queue,
 * rate limits and fallbacks apply; the answer comes when it is done.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { linksOf } from "../base-url.ts";
import { limitBody } from "../body-limit.ts";
import { checkFormFields, readJson } from "../request-body.ts";
import { editImages } from "./image-edit-files.ts";
import { checkEdit, type ImageInput, imageInput } from "./image-input.ts";
import { imageModelOf } from "./image-model.ts";
import { type ImageRequest, parseImageRequest } from "./image-request.ts";
import { imagesResponse, unfinishedError } from "./image-response.ts";
import { paramError, reportDropped } from "./openai-error.ts";

const DEFAULT_MODEL = "flux-schnell";
const DEFAULT_EDIT_MODEL = "flux-kontext-pro";
const DEFAULT_INPAINTING_MODEL = "inpaint";
/** Under the official clients' 10-minute timeout, after which they would send the request again. */
const WAIT_MS = 9 * 60_000;

export function imageRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, storage, config, openAiModels } = deps;
  const app = new Hono<ApiEnv>();

  const run = async (c: Context<ApiEnv>, request: ImageRequest, ref: string, built: ImageInput) => {
    const { input, warnings, dropped, encode } = built;
    const prediction = await engine.submitAndWait(
      { model: ref, input, tokenId: c.get("token").id, owner: c.get("token") },
      WAIT_MS,
    );
    if (prediction.state !== "succeeded") {
      // The prediction already had its retries and fallbacks; sending it again would pay twice.
      c.header("x-should-retry", "false");
      throw unfinishedError(prediction);
    }
    const format = request.response_format ?? "url";
    reportDropped(c, dropped);
    const options = { format, encode, links: linksOf(c, deps), storage, warnings };
    return c.json(await imagesResponse(prediction, options));
  };

  app.post("/images/generations", limitBody(config.maxBodyBytes), async (c) => {
    const request = parseImageRequest(await readJson(c, z.unknown()));
    const model = await imageModelOf(openAiModels.resolve(request.model ?? DEFAULT_MODEL), engine);
    return run(c, request, model.ref, imageInput(request, model));
  });

  app.post("/images/edits", limitBody(config.maxFileBytes), async (c) => {
    const form = await c.req.parseBody().catch(() => {
      throw new GatewayError("bad_request", "body must be multipart/form-data with an image");
    });
    checkFormFields(form);
    const { image, "image[]": images, mask, ...fields } = form;
    const request = parseImageRequest(fields);
    const first = image ?? (Array.isArray(images) ? images[0] : images);
    if (!(first instanceof File)) throw paramError("image", "image is required and must be a file");
    if (mask !== undefined && !(mask instanceof File)) throw paramError("mask", "mask must be a file");
    const defaultModel = mask ? DEFAULT_INPAINTING_MODEL : DEFAULT_EDIT_MODEL;
    const model = await imageModelOf(openAiModels.resolve(request.model ?? defaultModel), engine);
    checkEdit(model, mask !== undefined);
    const edit = await editImages(first, mask);
    const built = imageInput(request, model, edit);
    if (Array.isArray(images) && images.length > 1) {
      built.warnings.push("only the first image is used");
      built.dropped.push("image (beyond the first)");
    }
    return run(c, request, model.ref, built);
  });

  return app;
}
