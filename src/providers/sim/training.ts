/**
 * sim/lora-trainer: LoRA training without any upstream. Everything is decided at start from the
 * zip (how many images; or why it fails), then the training's state follows from the clock like a
 * sim prediction's, so any process can answer for it.
 *
 * Training data without a public gengate URL is "uploaded" into the sim's own store,
 * `<dataDir>/sim/uploads/<sha256>.zip` (kept 24 hours), and named `sim-upload://<sha256>`: a URI
 * only the sim reads, shared by every process using the data dir, and small in the stored input
 * whatever the zip's size (a `data:` URL would copy the zip into the training's input).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { invalidFieldsOf } from "../../core/zod-issues.ts";
import {
  invalidDestination,
  type ProviderContext,
  type ProviderTraining,
  type StartResult,
  type TrainingData,
  type TrainingRequest,
} from "../provider.ts";
import type { SimConfig } from "./config.ts";
import type { SimJournal } from "./journal.ts";
import { LORA_MODEL_NAME, LORA_OWNER, loraVersionId } from "./lora-models.ts";
import { SIM_MODELS, TRAINER_NAME, TRAINING_INPUT } from "./models.ts";
import type { TrainingOperation } from "./operation.ts";
import { newUpstreamId } from "./plan-operation.ts";

export const DEFAULT_TRAINER = `sim/${TRAINER_NAME}`;
export const UPLOAD_SCHEME = "sim-upload://";
const UPLOAD_TTL_MS = 24 * 3_600_000;
const UPLOAD = /^sim-upload:\/\/([a-f0-9]{64})$/;

const trainingInput = z.looseObject({
  input_images: z.string().min(1),
  trigger_word: z.string().default("TOK"),
  autocaption: z.boolean().default(true),
  steps: z.int().min(3).max(6000).default(1000),
  lora_rank: z.int().min(1).max(128).default(16),
  learning_rate: z.number().positive().default(0.0004),
});

const trainerVersion = () => SIM_MODELS.find((model) => model.name === TRAINER_NAME)?.versionId ?? "";

/** `sim/lora-trainer`, pinned to its version or not, or the descriptor's providerModel. */
export function checkTrainer(trainer: string): void {
  const [name, version] = trainer.split(":");
  const known = name === DEFAULT_TRAINER || (name === TRAINER_NAME && version === undefined);
  if (known && (version === undefined || version === trainerVersion())) return;
  throw new GatewayError("not_found", `the sim has no trainer "${trainer}"; it has ${DEFAULT_TRAINER}`, {
    retryable: false,
  });
}

function checkSimDestination(destination: string): void {
  const [owner, name = "", ...rest] = destination.split("/");
  if (owner !== LORA_OWNER || rest.length > 0 || !LORA_MODEL_NAME.test(name)) {
    throw invalidDestination(
      `the sim trains into ${LORA_OWNER}/<name> models (from createModel), not "${destination}"`,
    );
  }
}

function parseTrainingInput(input: Record<string, unknown>) {
  const parsed = trainingInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const invalidFields = invalidFieldsOf(parsed.error, "input");
  const first = invalidFields[0];
  throw new GatewayError("invalid_input", `${first?.field}: ${first?.description}`, { invalidFields });
}

export interface SimTrainingDeps {
  config: SimConfig;
  journal: SimJournal;
  dataDir: string;
}

export function createSimTraining({ config, journal, dataDir }: SimTrainingDeps): ProviderTraining {
  const uploads = join(dataDir, "sim", "uploads");

  /** The zip's bytes, or null when an upload is gone. */
  const readZip = async (url: string, ctx: ProviderContext): Promise<Buffer | null> => {
    const upload = UPLOAD.exec(url);
    if (!upload) return (await ctx.readInput(url)).data;
    try {
      return readFileSync(join(uploads, `${upload[1]}.zip`));
    } catch {
      return null;
    }
  };

  const prune = (): void => {
    const before = Date.now() - UPLOAD_TTL_MS;
    for (const name of readdirSync(uploads)) {
      const file = join(uploads, name);
      if ((statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? before) < before)
        rmSync(file, { force: true });
    }
  };

  return {
    defaultTrainer: DEFAULT_TRAINER,
    simulated: true,
    modelOwner: LORA_OWNER,

    async trainingSchema(trainer) {
      checkTrainer(trainer);
      return TRAINING_INPUT;
    },

    async checkDestination(destination) {
      checkSimDestination(destination);
    },

    async createModel(name) {
      if (!LORA_MODEL_NAME.test(name)) {
        throw new GatewayError(
          "invalid_input",
          `"${name}" is not a model name: lower-case letters, digits, '.', '_' and '-', starting and ending with a letter or digit`,
          { retryable: false },
        );
      }
      return `${LORA_OWNER}/${name}`;
    },

    async uploadTrainingData(data: TrainingData) {
      mkdirSync(uploads, { recursive: true });
      prune();
      const temporary = join(uploads, `.${newUpstreamId()}.part`);
      const hash = createHash("sha256");
      const file = await open(temporary, "w");
      try {
        for await (const chunk of await data.open()) {
          const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array);
          hash.update(bytes);
          await file.write(bytes);
        }
      } catch (error) {
        await file.close();
        rmSync(temporary, { force: true });
        throw error;
      }
      await file.close();
      const digest = hash.digest("hex");
      renameSync(temporary, join(uploads, `${digest}.zip`));
      return `${UPLOAD_SCHEME}${digest}`;
    },

    async startTraining(request: TrainingRequest, ctx: ProviderContext): Promise<StartResult> {
      checkTrainer(request.trainer);
      checkSimDestination(request.destination);
      const input = parseTrainingInput(request.input);
      // Reading fails the start (the engine may try again); what the zip holds decides the training.
      const zip = await readZip(input.input_images, ctx);
      const found = zip
        ? await (await import("./training-zip.ts")).inspectTrainingZip(zip)
        : { error: `input_images: ${input.input_images} is gone (uploads are kept 24 hours)` };
      const upstreamId = newUpstreamId();
      const operation: TrainingOperation = {
        provider: "sim",
        kind: "training",
        upstreamId,
        trainingId: request.trainingId,
        destination: request.destination,
        versionId: loraVersionId(request.trainingId),
        startedAt: Date.now(),
        durationMs: config.trainingMs,
        failure: "error" in found ? found.error : null,
        triggerWord: input.trigger_word,
        steps: input.steps,
        loraRank: input.lora_rank,
        learningRate: input.learning_rate,
        autocaption: input.autocaption,
        images: "error" in found ? 0 : found.images.length,
        captions: "error" in found ? 0 : found.captions.length,
      };
      const start: StartResult = { upstreamId, operation };
      await journal.recordStart(request.trainingId, start);
      return start;
    },

    async findTraining(trainingId) {
      return journal.findStart(trainingId);
    },
  };
}
