/**
 * Moves LoRAs through their flow: upload the training zip where the provider can fetch it,
 * create the destination model, train, make sample images, ready. Each step is claimed with a
 * lease, renewed while it runs (leases.ts), and records its result before the next begins; every step can run again after a crash
 * without repeating work upstream (the model is created by name, the training and samples are
 * predictions whose ids are recorded before they are stored).
 */
import { GatewayError } from "../../core/errors.ts";
import { LORA_ACTIVE_STATUSES, type Lora, type LoraStatus } from "../../core/lora.ts";
import { isFileRef } from "../../core/output.ts";
import { isTerminal, type Prediction } from "../../core/prediction.ts";
import { trainingOf } from "../../providers/training-of.ts";
import type { LoraPatch } from "../../store/index.ts";
import type { Admissions } from "../admissions.ts";
import type { EngineContext } from "../engine-context.ts";
import { Leases, leasedLoras } from "../leases.ts";
import type { SubmitRequest, TrainingSubmitRequest } from "../requests.ts";
import { WakeableLoop } from "../wakeable-loop.ts";
import { samplePrompts } from "./sample-prompts.ts";

/** How often a LoRA waiting on its training or samples is looked at. */
const WAIT_POLL_MS = 1_000;
const IDLE_MS = 5_000;
const CLAIM_BATCH = 16;

export interface LoraRunnerDeps {
  prepare(request: SubmitRequest): Promise<Prediction>;
  prepareTraining(request: TrainingSubmitRequest): Promise<Prediction>;
  wakeDispatcher(): void;
  /** Called once when a LoRA is ready, failed or canceled. */
  ended(lora: Lora): Promise<void>;
  /** Its training and samples are stored as its token's limits and budget allow. */
  admissions: Admissions;
}

/** What a step did: move on with a patch, or look again later. */
type StepResult = { next: LoraStatus; patch?: LoraPatch } | { waitMs: number };

export class LoraRunner {
  private readonly ctx: EngineContext;
  private readonly deps: LoraRunnerDeps;
  private readonly loop: WakeableLoop;
  private readonly leases: Leases<LoraStatus>;

  constructor(ctx: EngineContext, deps: LoraRunnerDeps) {
    this.ctx = ctx;
    this.deps = deps;
    this.leases = new Leases(leasedLoras(ctx.store));
    this.loop = new WakeableLoop(
      () => this.runDue(),
      (error) => ctx.logger.error({ err: error }, "LoRA flow loop failed"),
      { signals: ctx.signals, kind: "loras" },
    );
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One step of each LoRA due, for a host that runs passes instead of the loop. */
  async pass(): Promise<void> {
    await this.runDue();
  }

  /** After a restart, steps a dead process held are taken up at once instead of when their lease ends. */
  async recover(): Promise<void> {
    const now = Date.now();
    for (const lora of await this.ctx.store.loras.due(LORA_ACTIVE_STATUSES, Number.MAX_SAFE_INTEGER, 1_000)) {
      await this.ctx.store.loras.claim(lora, { nextCheckAt: now });
    }
  }

  private async runDue(): Promise<number> {
    const due = await this.ctx.store.loras.due(LORA_ACTIVE_STATUSES, Date.now(), CLAIM_BATCH);
    for (const lora of due) {
      try {
        const claimed = await this.ctx.store.loras.claim(lora, { nextCheckAt: this.leases.end() });
        if (claimed)
          await this.leases.hold(claimed.id, claimed.status, claimed.nextCheckAt, () =>
            this.advance(claimed),
          );
      } catch (error) {
        // One LoRA that cannot be handled is failed, instead of stopping the others at every turn.
        await this.failUnhandled(lora, GatewayError.from(error));
      }
    }
    return due.length === CLAIM_BATCH ? 0 : IDLE_MS;
  }

  private async failUnhandled(lora: Lora, failure: GatewayError): Promise<void> {
    this.ctx.logger.error({ lora: lora.id, err: failure.message }, "could not go on with a LoRA; failing it");
    try {
      const now = Date.now();
      const failed = await this.ctx.store.loras.transition(lora.id, LORA_ACTIVE_STATUSES, {
        status: "failed",
        error: `gengate could not go on with this LoRA: ${failure.message}`,
        nextCheckAt: now,
        completedAt: now,
      });
      if (failed) await this.deps.ended(failed);
    } catch (cause) {
      this.ctx.logger.error({ lora: lora.id, err: cause }, "could not fail a LoRA either");
    }
  }

  private async advance(lora: Lora): Promise<void> {
    let result: StepResult;
    try {
      result = await this.step(lora);
    } catch (error) {
      const failure = GatewayError.from(error);
      if (failure.retryable) {
        this.ctx.logger.warn(
          { lora: lora.id, step: lora.status, err: failure.message },
          "LoRA step will be retried",
        );
        result = { waitMs: failure.retryAfterMs ?? 5_000 };
      } else {
        result = { next: "failed", patch: { error: `${lora.status.replace("_", " ")}: ${failure.message}` } };
      }
    }
    const now = Date.now();
    if ("waitMs" in result) {
      await this.ctx.store.loras.transition(lora.id, [lora.status], { nextCheckAt: now + result.waitMs });
      this.loop.wakeAt(now + result.waitMs);
      return;
    }
    const ends = !LORA_ACTIVE_STATUSES.includes(result.next);
    const moved = await this.ctx.store.loras.transition(lora.id, [lora.status], {
      ...result.patch,
      status: result.next,
      nextCheckAt: now,
      ...(ends && { completedAt: now }),
    });
    if (!moved) return;
    this.ctx.logger.info({ lora: lora.id, from: lora.status, to: moved.status }, "LoRA moved on");
    if (ends) await this.deps.ended(moved);
    else this.loop.wake();
  }

  private step(lora: Lora): Promise<StepResult> {
    switch (lora.status) {
      case "uploading":
        return this.upload(lora);
      case "creating_model":
        return this.createModel(lora);
      case "training":
        return this.train(lora);
      case "sampling":
        return this.sample(lora);
      default:
        throw new GatewayError("internal", `LoRA ${lora.id} has no step ${lora.status}`);
    }
  }

  private async upload(lora: Lora): Promise<StepResult> {
    const { publicUrl, storage } = this.ctx;
    if (publicUrl) {
      const zipUrl = this.ctx.fileLinks.for(publicUrl).file(lora.zipKey);
      return { next: "creating_model", patch: { zipUrl } };
    }
    const stat = await storage.stat(lora.zipKey);
    if (!stat) throw new GatewayError("internal", "the training photos' zip is missing from storage");
    const zipUrl = await trainingOf(this.ctx.providers.get(lora.provider)).uploadTrainingData(
      {
        name: `${lora.name}.zip`,
        contentType: "application/zip",
        size: stat.size,
        open: () => storage.open(lora.zipKey),
      },
      this.ctx.providerContext(lora.tokenId),
    );
    return { next: "creating_model", patch: { zipUrl } };
  }

  private async createModel(lora: Lora): Promise<StepResult> {
    const training = trainingOf(this.ctx.providers.get(lora.provider));
    // The LoRA's id makes the name unique, and the same on every try: a retry finds the model it made.
    const destination = await training.createModel(
      `${lora.name}-${lora.id.slice(0, 10)}`,
      this.ctx.providerContext(lora.tokenId),
    );
    return { next: "training", patch: { destination } };
  }

  private async train(lora: Lora): Promise<StepResult> {
    const trainingId = lora.trainingId ?? (await this.recordTraining(lora));
    const training = await this.ctx.store.predictions.get(trainingId);
    const run = training ?? (await this.storeTraining(lora, trainingId));
    if (!isTerminal(run.state)) return { waitMs: WAIT_POLL_MS };
    if (run.state === "canceled") return { next: "canceled", patch: { error: "the training was canceled" } };
    if (run.state === "failed")
      return { next: "failed", patch: { error: `training failed: ${run.error ?? "no reason given"}` } };
    const output = run.output as { version?: unknown; weights?: unknown } | null;
    if (typeof output?.version !== "string") {
      return { next: "failed", patch: { error: "the training succeeded but named no trained version" } };
    }
    return {
      next: "sampling",
      patch: { version: output.version, weightsKey: isFileRef(output.weights) ? output.weights.$file : null },
    };
  }

  /** Picks the training's id and records it on the LoRA before anything is stored or started. */
  private async recordTraining(lora: Lora): Promise<string> {
    const training = await this.prepareTraining(lora);
    const recorded = await this.ctx.store.loras.transition(lora.id, ["training"], {
      trainingId: training.id,
    });
    if (!recorded?.trainingId)
      throw new GatewayError("conflict", "the LoRA moved on while its training was prepared");
    return recorded.trainingId;
  }

  private async storeTraining(lora: Lora, trainingId: string): Promise<Prediction> {
    const training = { ...(await this.prepareTraining(lora)), id: trainingId };
    await this.store(lora, training);
    this.deps.wakeDispatcher();
    return training;
  }

  private store(lora: Lora, prediction: Prediction): Promise<void> {
    return this.deps.admissions.store(lora.tokenId, [prediction], (db) =>
      this.ctx.store.predictions.insert(prediction, db),
    );
  }

  private prepareTraining(lora: Lora): Promise<Prediction> {
    return this.deps.prepareTraining({
      trainer: lora.trainer,
      destination: lora.destination ?? "",
      input: { ...lora.params, input_images: lora.zipUrl, trigger_word: lora.triggerWord },
      ...(lora.tokenId !== null && { tokenId: lora.tokenId }),
    });
  }

  private async sample(lora: Lora): Promise<StepResult> {
    if (lora.sampleCount === 0) return { next: "ready" };
    const prompts = samplePrompts(lora.triggerWord, lora.sampleCount);
    let ids = lora.sampleIds;
    if (ids.length === 0) {
      const samples = await Promise.all(prompts.map((prompt) => this.prepareSample(lora, prompt)));
      const recorded = await this.ctx.store.loras.transition(lora.id, ["sampling"], {
        sampleIds: samples.map((sample) => sample.id),
      });
      if (!recorded) return { waitMs: 0 };
      ids = recorded.sampleIds;
    }
    const runs: Prediction[] = [];
    for (const [i, id] of ids.entries()) {
      const stored = await this.ctx.store.predictions.get(id);
      if (stored) runs.push(stored);
      else {
        const sample = { ...(await this.prepareSample(lora, prompts[i] ?? prompts[0] ?? "")), id };
        await this.store(lora, sample);
        this.deps.wakeDispatcher();
        runs.push(sample);
      }
    }
    return runs.every((run) => isTerminal(run.state)) ? { next: "ready" } : { waitMs: WAIT_POLL_MS };
  }

  private prepareSample(lora: Lora, prompt: string): Promise<Prediction> {
    return this.deps.prepare({
      model: lora.version ?? "",
      input: { prompt },
      ...(lora.tokenId !== null && { tokenId: lora.tokenId }),
    });
  }
}
