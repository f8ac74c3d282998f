/**
 * OpenAI's image endpoints: `POST /images/generations`, `POST /images/edits` (an image, and a
 * mask for inpainting) and `POST /images/variations` (an image, to an image-to-image model). Each
 * request is one prediction through the engine (`n` of them for a model that makes one image a
 * request), so the same queue, rate limits and fallbacks apply; the answer comes when it is done.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { Prediction } from "../../core/prediction.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { linksOf } from "../base-url.ts";
import { limitBody } from "../body-limit.ts";
import { checkFormFields, readJson } from "../request-body.ts";
import { cancelUnread } from "./cancel-unread.ts";
import { choiceInput, submitEach } from "./choices.ts";
import { editImages } from "./image-edit-files.ts";
import { checkEdit, type ImageInput, imageInput } from "./image-input.ts";
import { type ImageModel, imageModelOf } from "./image-model.ts";
import { type ImageRequest, parseImageRequest } from "./image-request.ts";
import { imagesResponse, unfinishedError } from "./image-response.ts";
import { paramError, reportDropped } from "./openai-error.ts";

const DEFAULT_MODEL = "flux-schnell";
const DEFAULT_EDIT_MODEL = "flux-kontext-pro";
const DEFAULT_INPAINTING_MODEL = "inpaint";
const VARIATION_PROMPT = "A variation of this image: the same subject and style, with small changes";
/** Under the official clients' 10-minute timeout, after which they would send the request again. */
const WAIT_MS = 9 * 60_000;

/** Predictions as they ended, and the one that did not succeed, if any. */
const ended = (predictions: Prediction[]) => ({
  predictions,
  unfinished: predictions.find((prediction) => prediction.state !== "succeeded"),
});

export function imageRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine, storage, config, openAiModels } = deps;
  const app = new Hono<ApiEnv>();

  const run = async (c: Context<ApiEnv>, request: ImageRequest, model: ImageModel, built: ImageInput) => {
    const { input, warnings, dropped, encode } = built;
    const submit = { model: model.ref, input, tokenId: c.get("token").id, owner: c.get("token") };
    const submitOne = (index: number) =>
      engine.submit({ ...submit, input: choiceInput(input, index, model.nameOf("seed")) });
    const { predictions, unfinished } =
      built.predictions === 1
        ? ended([await engine.submitAndWait(submit, WAIT_MS)])
        : await waitForEach(await submitEach(built.predictions, submitOne, abandon));
    if (unfinished) {
      // The prediction already had its retries and fallbacks; sending it again would pay twice.
      c.header("x-should-retry", "false");
      throw unfinishedError(unfinished);
    }
    const format = request.response_format ?? "url";
    reportDropped(c, dropped);
    const options = { format, encode, links: linksOf(c, deps), storage, warnings };
    return c.json(await imagesResponse(predictions, options));
  };

  const abandon = (prediction: Prediction) => cancelUnread(deps, prediction.id, "an image prediction");

  /** Each prediction as it ends; the first that does not succeed cancels those still running. */
  const waitForEach = async (submitted: Prediction[]) => {
    let unfinished: Prediction | undefined;
    const predictions = await Promise.all(
      submitted.map(async ({ id }) => {
        const end = await engine.waitFor(id, WAIT_MS);
        if (end.state !== "succeeded" && !unfinished) {
          unfinished = end;
          for (const other of submitted) if (other.id !== id) abandon(other);
        }
        return end;
      }),
    );
    return { predictions, unfinished };
  };

  app.post("/images/generations", limitBody(config.maxBodyBytes), async (c) => {
    const request = parseImageRequest(await readJson(c, z.unknown()));
    const model = await imageModelOf(openAiModels.resolve(request.model ?? DEFAULT_MODEL), engine);
    return run(c, request, model, imageInput(request, model));
  });

  app.post("/images/edits", limitBody(config.maxFileBytes), async (c) => {
    const { image, "image[]": images, mask, ...fields } = await readForm(c);
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
    return run(c, request, model, built);
  });

  // OpenAI's variations take no prompt: an editing model is asked for a variation (a client may send its own).
  app.post("/images/variations", limitBody(config.maxFileBytes), async (c) => {
    const { image, ...fields } = await readForm(c);
    if (!(image instanceof File)) throw paramError("image", "image is required and must be a file");
    const request = parseImageRequest({ prompt: VARIATION_PROMPT, ...fields });
    const model = await imageModelOf(openAiModels.resolve(request.model ?? DEFAULT_EDIT_MODEL), engine);
    checkEdit(model, false);
    return run(c, request, model, imageInput(request, model, await editImages(image, undefined)));
  });

  return app;
}

async function readForm(c: Context<ApiEnv>) {
  const form = await c.req.parseBody().catch(() => {
    throw new GatewayError("bad_request", "body must be multipart/form-data with an image");
  });
  checkFormFields(form);
  return form;
}
