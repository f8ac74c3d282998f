/**
 * LoRAs from photos: checks the request and the photos before anything is stored or spent,
 * stores the training zip, and hands the LoRA to the flow runner. Also reads, cancels and
 * deletes them.
 */
import { GatewayError, type InvalidField } from "../../core/errors.ts";
import { newId } from "../../core/ids.ts";
import type { Links } from "../../core/links.ts";
import { isLoraDone, LORA_NAME, type Lora } from "../../core/lora.ts";
import { type LoraJson, toLoraJson } from "../../core/lora-json.ts";
import type { Prediction } from "../../core/prediction.ts";
import type { Provider } from "../../providers/provider.ts";
import { trainingOf } from "../../providers/training-of.ts";
import type { KeysetCursor } from "../../store/index.ts";
import type { EngineContext } from "../engine-context.ts";
import type { TrainingSubmitRequest } from "../requests.ts";
import type { WebhookSender } from "../webhook-sender.ts";
import { readTrainingPhotos } from "./photos/read-training-photos.ts";
import type { UploadedFile } from "./photos/uploaded-file.ts";
import { MAX_SAMPLES } from "./sample-prompts.ts";

export const DEFAULT_TRIGGER_WORD = "TOK";
const DEFAULT_SAMPLES = 4;
/** Stands in for the zip's URL while the trainer's parameters are checked. */
const PLACEHOLDER_ZIP_URL = "https://gengate.invalid/photos.zip";

export interface LoraRequest {
  tokenId: string | null;
  name: string;
  triggerWord?: string;
  provider?: string;
  trainer?: string;
  /** The trainer's parameters besides the photos (steps, lora_rank…). */
  params?: Record<string, unknown>;
  samples?: number;
  webhook?: string;
  photos: UploadedFile[];
}

/** Who asks: names are looked up among their own LoRAs; an admin reads anyone's by id. */
export interface LoraCaller {
  tokenId: string | null;
  seesAll: boolean;
}

export interface LoraServiceDeps {
  prepareTraining(request: TrainingSubmitRequest): Promise<Prediction>;
  cancel(predictionId: string): Promise<Prediction>;
  wakeRunner(): void;
  webhooks: WebhookSender;
}

export class LoraService {
  private readonly ctx: EngineContext;
  private readonly deps: LoraServiceDeps;

  constructor(ctx: EngineContext, deps: LoraServiceDeps) {
    this.ctx = ctx;
    this.deps = deps;
  }

  async create(request: LoraRequest): Promise<Lora> {
    checkName(request.name);
    const samples = request.samples ?? DEFAULT_SAMPLES;
    if (!Number.isInteger(samples) || samples < 0 || samples > MAX_SAMPLES) {
      throw invalid("samples", `samples must be a whole number from 0 to ${MAX_SAMPLES}`);
    }
    if (await this.ctx.store.loras.getByName(request.tokenId, request.name)) throw nameTaken(request.name);
    const provider = this.trainingProvider(request.provider);
    const trainer = request.trainer ?? trainingOf(provider).defaultTrainer;
    const triggerWord = request.triggerWord ?? DEFAULT_TRIGGER_WORD;
    const params = await this.checkedParams(trainer, triggerWord, request.params ?? {});

    const photos = await readTrainingPhotos(request.photos);
    // Loaded here: the zip library costs memory a server that trains nothing never uses.
    const { trainingZip } = await import("./photos/training-zip.ts");
    const zip = await this.ctx.storage.put(trainingZip(photos), "zip");
    const now = Date.now();
    const lora: Lora = {
      id: newId(),
      tokenId: request.tokenId,
      name: request.name,
      triggerWord,
      provider: provider.id,
      trainer,
      params,
      photoCount: photos.length,
      zipKey: zip.key,
      zipUrl: null,
      destination: null,
      trainingId: null,
      version: null,
      weightsKey: null,
      sampleCount: samples,
      sampleIds: [],
      webhook: request.webhook ?? null,
      status: "uploading",
      error: null,
      createdAt: now,
      completedAt: null,
      nextCheckAt: now,
    };
    if (!(await this.ctx.store.loras.insert(lora))) throw nameTaken(request.name);
    this.deps.wakeRunner();
    return lora;
  }

  /** A LoRA by id (the caller's own, or anyone's for an admin), or by name among the caller's own. */
  async get(idOrName: string, caller: LoraCaller): Promise<Lora> {
    const byId = await this.ctx.store.loras.get(idOrName);
    if (byId && (caller.seesAll || byId.tokenId === caller.tokenId)) return byId;
    const byName = await this.ctx.store.loras.getByName(caller.tokenId, idOrName);
    if (!byName) throw new GatewayError("not_found", `LoRA ${idOrName} not found`);
    return byName;
  }

  list(options: { tokenId?: string; limit: number; before?: KeysetCursor }): Promise<Lora[]> {
    return this.ctx.store.loras.list(options);
  }

  /** Stops the flow; a training or sample under way is canceled upstream too. */
  async cancel(idOrName: string, caller: LoraCaller): Promise<Lora> {
    const lora = await this.get(idOrName, caller);
    if (isLoraDone(lora.status)) return lora;
    const canceled = await this.ctx.store.loras.transition(lora.id, [lora.status], {
      status: "canceled",
      completedAt: Date.now(),
    });
    if (!canceled) return this.cancel(lora.id, caller);
    const running = [lora.trainingId, ...lora.sampleIds].filter((id): id is string => id !== null);
    for (const id of running) {
      if (await this.ctx.store.predictions.get(id)) await this.deps.cancel(id);
    }
    await this.ended(canceled);
    return canceled;
  }

  /** Cancels the LoRA if it is still in its flow, then forgets it. The model upstream is left as it is. */
  async delete(idOrName: string, caller: LoraCaller): Promise<void> {
    const lora = await this.cancel(idOrName, caller);
    await this.ctx.store.loras.delete(lora.id);
  }

  async render(lora: Lora, links: Links): Promise<LoraJson> {
    const samples: Prediction[] = [];
    for (const id of lora.sampleIds) {
      const sample = await this.ctx.store.predictions.get(id);
      if (sample) samples.push(sample);
    }
    return toLoraJson(lora, samples, links);
  }

  /** Tells the LoRA's webhook that it is ready, failed or canceled. */
  async ended(lora: Lora): Promise<void> {
    if (!lora.webhook) return;
    await this.deps.webhooks.enqueue(
      lora,
      "completed",
      lora.webhook,
      await this.render(lora, this.ctx.fileLinks.for(this.ctx.baseUrl())),
    );
  }

  /** The named provider, or the first that trains, preferring a real cloud to the simulator. */
  private trainingProvider(id: string | undefined): Provider {
    if (id !== undefined) {
      const named = this.ctx.providers.all().find((provider) => provider.id === id);
      if (!named) throw invalid("provider", `no provider ${id} is enabled`);
      if (!named.training) throw invalid("provider", `provider ${id} cannot train models`);
      return named;
    }
    const trainers = this.ctx.providers.all().filter((provider) => provider.training);
    const chosen = trainers.find((provider) => !provider.training?.simulated) ?? trainers[0];
    if (!chosen) throw new GatewayError("bad_request", "no enabled provider can train models");
    return chosen;
  }

  /** The trainer's parameters, checked against its training schema, with its defaults applied. */
  private async checkedParams(
    trainer: string,
    triggerWord: string,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    try {
      const training = await this.deps.prepareTraining({
        trainer,
        destination: "",
        input: { ...params, input_images: PLACEHOLDER_ZIP_URL, trigger_word: triggerWord },
      });
      const { input_images: _zip, trigger_word: _trigger, ...checked } = training.input;
      return checked;
    } catch (error) {
      const failure = GatewayError.from(error);
      if (failure.code !== "invalid_input" || !failure.invalidFields) throw failure;
      const fields = failure.invalidFields.map((field) => ({
        ...field,
        field: field.field.replace(/^input\b/, "params"),
      }));
      throw new GatewayError("invalid_input", `The trainer's parameters are not valid\n${lines(fields)}`, {
        invalidFields: fields,
      });
    }
  }
}

function checkName(name: string): void {
  if (!LORA_NAME.test(name)) {
    throw invalid(
      "name",
      "name must be 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit",
    );
  }
}

function nameTaken(name: string): GatewayError {
  return new GatewayError(
    "conflict",
    `a LoRA named ${name} already exists; pick another name or delete it first`,
  );
}

function invalid(field: string, description: string): GatewayError {
  return new GatewayError("invalid_input", description, {
    invalidFields: [{ type: "invalid", field, description }],
  });
}

function lines(fields: InvalidField[]): string {
  return fields.map((field) => `- ${field.field}: ${field.description}`).join("\n");
}
