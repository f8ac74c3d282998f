/** Creates a prediction on Replicate for a gengate prediction (replicate.md §2.1, §4.1–4.3). */
import { GatewayError } from "../../core/errors.ts";
import { fileFieldsOf } from "../../core/file-fields.ts";
import type { InputFile, ProviderContext, StartRequest, StartResult } from "../provider.ts";
import { type CreateJournal, inputKey } from "./create-journal.ts";
import { isTextIterator } from "./descriptor.ts";
import { webhookMarker } from "./find-create.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { prepareInput } from "./input-files.ts";
import type { ModelCatalog } from "./model-catalog.ts";
import { type ReplicateOperation, statusContext } from "./operation.ts";
import { fileSchema, parseBody, predictionSchema, type UpstreamPrediction } from "./schemas.ts";
import { nextPollMs, toStatus } from "./status.ts";
import { createCall, parseTarget } from "./target.ts";

/**
 * Only the end: gengate collects outputs and finishes the prediction from it. The other events
 * would cost a request each for nothing gengate acts on: text output streams through `urls.stream`,
 * file outputs are only stored once complete, and "start" and "output" of a create held by
 * `Prefer: wait` arrive before gengate has recorded the create (answered 409). The phase and logs
 * of a long run are refreshed by the safety-net poll (REPLICATE_WEBHOOK_POLL_SECONDS).
 */
const WEBHOOK_EVENTS = ["completed"];
const MIN_CANCEL_AFTER_S = 5;
const CREATE_TIMEOUT_MS = 30_000;
const TERMINAL = new Set(["succeeded", "failed", "canceled", "aborted"]);

export interface CreateDeps {
  http: ReplicateHttp;
  catalog: ModelCatalog;
  journal: CreateJournal;
  waitSeconds: number;
  webhookPollMs: number;
}

/**
 * The engine's record of a Replicate prediction, whether just created or found again. A waited
 * create that answers "processing" with its outputs is as good as done: the official clients
 * treat it as final too (replicate.md §0.2), so it is not polled again. An ended one carries its
 * status, which the engine applies at once (StartResult.status) instead of checking for it.
 */
export function startResultOf(
  prediction: UpstreamPrediction,
  facts: Omit<ReplicateOperation, "id" | "streamUrl" | "final">,
  options: { waited: boolean; webhookPollMs: number },
): StartResult {
  const operation: ReplicateOperation = { id: prediction.id, ...facts };
  if (prediction.urls?.stream) operation.streamUrl = prediction.urls.stream;
  const outputsReady =
    options.waited && !facts.textOutput && prediction.status === "processing" && prediction.output != null;
  if (TERMINAL.has(prediction.status)) operation.final = prediction;
  else if (outputsReady) operation.final = { ...prediction, status: "succeeded" };
  if (!operation.final) {
    const firstPollMs = nextPollMs(0, { webhooked: facts.webhooked, ...options });
    return { upstreamId: prediction.id, operation, nextPollMs: firstPollMs };
  }
  const status = toStatus(operation.final, statusContext(operation, options.webhookPollMs));
  return { upstreamId: prediction.id, operation, nextPollMs: 0, status };
}

/** Uploads a file input through Replicate's files API (§2.4); its `urls.get`. */
export async function upload(http: ReplicateHttp, file: InputFile): Promise<string> {
  const form = new FormData();
  form.append("content", new Blob([new Uint8Array(file.data)], { type: file.contentType }), "input");
  const { body } = await http.request("/files", { method: "POST", form, what: "uploading an input file" });
  return parseBody(fileSchema, body, "files.create").urls.get;
}

export async function createPrediction(
  request: StartRequest,
  ctx: ProviderContext,
  deps: CreateDeps,
): Promise<StartResult> {
  const target = parseTarget(request.providerModel);
  const model = await deps.catalog.forTarget(target);
  if (!model) {
    throw new GatewayError("not_found", `Replicate no longer has ${request.providerModel}`, {
      retryable: false,
    });
  }
  const textOutput = isTextIterator(model.outputSchema);
  const input = await prepareInput(request.input, {
    fields: fileFieldsOf(model.inputSchema),
    gengateOrigin: request.webhookUrl ? new URL(request.webhookUrl).origin : undefined,
    upstreamOrigin: new URL(deps.http.baseUrl).origin,
    ctx,
    upload: (file) => upload(deps.http, file),
  });
  const call = createCall(target);
  const body: Record<string, unknown> = { ...(call.version && { version: call.version }), input };
  if (request.webhookUrl) {
    const separator = request.webhookUrl.includes("?") ? "&" : "?";
    body.webhook = `${request.webhookUrl}${separator}${webhookMarker(request.predictionId)}`;
    body.webhook_events_filter = WEBHOOK_EVENTS;
  }
  const now = Date.now();
  const headers: Record<string, string> = {};
  // Streaming models answer through their stream at once; holding the create would only delay it.
  const waitSeconds = textOutput ? 0 : deps.waitSeconds;
  if (waitSeconds > 0) headers.prefer = `wait=${waitSeconds}`;
  if (request.deadlineAt !== undefined) {
    const seconds = Math.max(MIN_CANCEL_AFTER_S, Math.ceil((request.deadlineAt - now) / 1000));
    headers["cancel-after"] = `${seconds}s`;
  }
  await deps.journal.recordIntent(request.predictionId, {
    at: now,
    target: request.providerModel,
    key: inputKey(input),
  });
  const response = await deps.http.request(call.path, {
    method: "POST",
    json: body,
    headers,
    create: true,
    timeoutMs: CREATE_TIMEOUT_MS + waitSeconds * 1000,
    what: "creating a prediction",
  });
  const prediction = parseBody(predictionSchema, response.body, "predictions.create");
  await deps.journal.recordCreated(request.predictionId, prediction.id);
  const upstreamBudget = response.budget;
  return {
    ...startResultOf(
      prediction,
      { webhooked: request.webhookUrl !== undefined, textOutput, createdAt: now },
      { waited: waitSeconds > 0, webhookPollMs: deps.webhookPollMs },
    ),
    ...(upstreamBudget && { upstreamBudget }),
  };
}
