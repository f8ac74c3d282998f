/**
 * New queued predictions and trainings, validated but not stored yet; their data URLs become
 * uploads only once the whole request is accepted (by a submit, or a batch's or LoRA's creation).
 */
import { newId } from "../core/ids.ts";
import type { Prediction } from "../core/prediction.ts";
import { tracing } from "../tracing/tracing.ts";
import type { EngineContext } from "./engine-context.ts";
import { FileInputs, type StoredInputs } from "./file-inputs.ts";
import { ModelResolver, type Resolved } from "./model-resolver.ts";
import type { SubmitRequest, TrainingSubmitRequest } from "./requests.ts";
import type { Router } from "./router.ts";

export class PredictionPrep {
  private readonly resolver: ModelResolver;
  private readonly fileInputs: FileInputs;

  constructor(ctx: EngineContext, router: Router) {
    this.resolver = new ModelResolver(ctx, router);
    this.fileInputs = new FileInputs(ctx.uploads, ctx.baseUrl);
  }

  async prepare(request: SubmitRequest): Promise<Prediction> {
    const { model, input, tokenId, sendIfTaken } = request;
    const resolved = await this.resolver.resolve(model, input, tokenId, sendIfTaken);
    const prediction = queued(request, resolved);
    await this.fileInputs.check(prediction, resolved.fileFields);
    return prediction;
  }

  async prepareTraining(request: TrainingSubmitRequest): Promise<Prediction> {
    const resolved = await this.resolver.resolveTrainer(request.trainer, request.input);
    const training = {
      ...queued(request, resolved),
      providerModel: request.trainer,
      destination: request.destination,
    };
    await this.fileInputs.check(training, resolved.fileFields);
    return training;
  }

  /** Stores a prepared prediction's data URLs as uploads (reusing `links` for repeated ones). */
  storeInputs(prediction: Prediction, links?: Map<string, string>): Promise<StoredInputs> {
    return this.fileInputs.store(prediction, links);
  }
}

function queued(request: Omit<SubmitRequest, "model">, resolved: Resolved): Prediction {
  const { provider, model, input, route, name, warnings } = resolved;
  const now = Date.now();
  // The worker that runs it, maybe in another process, continues the trace of the request.
  const traceParent = tracing().traceparent();
  return {
    id: newId(),
    model: name,
    version: model.versionId,
    provider: provider.id,
    providerModel: model.providerModel,
    input,
    output: null,
    logs: "",
    error: null,
    state: "queued",
    upstreamPhase: null,
    operation: null,
    attempts: 0,
    webhook: request.webhook ?? null,
    webhookEventsFilter: request.webhookEventsFilter ?? null,
    tokenId: request.tokenId ?? null,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    nextCheckAt: now,
    deadlineAt: request.deadlineAt ?? null,
    cancelRequestedAt: null,
    metrics: {},
    streaming: model.capabilities.streaming === true && provider.stream !== undefined,
    priority: request.priority ?? 0,
    ...(route && { route }),
    ...(warnings && { warnings }),
    ...(request.batchId && { batchId: request.batchId }),
    ...(request.retentionMs !== undefined && { retentionMs: request.retentionMs }),
    ...(traceParent && { traceParent }),
  };
}
