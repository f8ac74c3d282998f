/**
 * LoRA training on Replicate (reference/replicate.md §2.3, §12): a private destination model, the
 * training data through the files API, and a training of the trainer's version that adds a version
 * to the destination. Trainings are followed like predictions, at `/trainings/{id}`.
 */
import type { Readable } from "node:stream";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { fileFieldsOf } from "../../core/file-fields.ts";
import {
  invalidDestination,
  type ProviderContext,
  type ProviderTraining,
  type StartResult,
  type StatusResult,
  type TrainingData,
  type TrainingRequest,
} from "../provider.ts";
import { upload } from "./create.ts";
import { type CreateJournal, inputKey } from "./create-journal.ts";
import { findTraining, trainingMarker } from "./find-training.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { prepareInput } from "./input-files.ts";
import type { ModelCatalog, Trainer } from "./model-catalog.ts";
import type { ReplicateOperation } from "./operation.ts";
import { fileSchema, parseBody, predictionSchema, type UpstreamPrediction } from "./schemas.ts";
import { trainingPollMs, trainingStatus } from "./training-status.ts";
import { encodeTrainingTarget, parseTrainerRef, parseTrainingTarget } from "./training-target.ts";

/** Trainings send one webhook, when they end: their logs are long and polls bring progress. */
const WEBHOOK_EVENTS = ["completed"];
const TERMINAL = new Set(["succeeded", "failed", "canceled", "aborted"]);
const CREATE_TIMEOUT_MS = 30_000;
/** Replicate's files API takes less than 100 MB (§2.4). */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** An upload gets 30 s plus a second per 512 KB. */
const UPLOAD_BYTES_PER_S = 512 * 1024;

const accountSchema = z.looseObject({ username: z.string().min(1) });

export interface TrainingDeps {
  http: ReplicateHttp;
  catalog: ModelCatalog;
  journal: CreateJournal;
  defaultTrainer: string;
  webhookPollMs: number;
  /** Runs lookups of lost creates one at a time, in every process (shared with predictions' find). */
  serialize<T>(work: () => Promise<T>): Promise<T>;
}

export interface ReplicateTraining extends ProviderTraining {
  status(op: ReplicateOperation): Promise<StatusResult>;
  cancel(op: ReplicateOperation): Promise<void>;
  /** A status of a training reported by webhook or poll: a new version makes cached models stale. */
  noteStatus(status: StatusResult): void;
}

/** The engine's record of a Replicate training, whether just created or found again. */
export function trainingStartResult(
  training: UpstreamPrediction,
  facts: { webhooked: boolean; createdAt: number; destination: string | undefined },
  webhookPollMs: number,
): StartResult {
  const operation: ReplicateOperation = {
    kind: "training",
    id: training.id,
    ...(facts.destination && { destination: facts.destination }),
    webhooked: facts.webhooked,
    textOutput: false,
    createdAt: facts.createdAt,
  };
  if (TERMINAL.has(training.status)) operation.final = training;
  const nextPollMs = operation.final ? 0 : trainingPollMs(0, { webhooked: facts.webhooked, webhookPollMs });
  return { upstreamId: training.id, operation, nextPollMs };
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size >= limit) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const tooLarge = () =>
  new GatewayError("payload_too_large", "training data must be less than 100 MB for Replicate's files API", {
    retryable: false,
  });

export function createReplicateTraining(deps: TrainingDeps): ReplicateTraining {
  const { http, catalog, journal } = deps;
  let account: Promise<string> | undefined;

  /** The account's username, the owner of the models gengate creates (asked once). */
  const owner = (): Promise<string> => {
    if (!account) {
      account = http
        .request("/account", { what: "looking up the account" })
        .then(({ body }) => parseBody(accountSchema, body, "account.get").username);
      account.catch(() => {
        account = undefined;
      });
    }
    return account;
  };

  const trainerOf = async (reference: string): Promise<Trainer> => {
    const ref = parseTrainerRef(reference);
    const trainer = await catalog.trainer(ref);
    if (!trainer) {
      const name = `${ref.owner}/${ref.name}${ref.version ? `:${ref.version}` : ""}`;
      throw new GatewayError("not_found", `Replicate has no trainer ${name}`, { retryable: false });
    }
    return trainer;
  };

  const exists = async (path: string, what: string): Promise<boolean> => {
    try {
      await http.request(path, { what });
      return true;
    } catch (error) {
      if (error instanceof GatewayError && error.code === "not_found") return false;
      throw error;
    }
  };

  const adopt = async (trainingId: string): Promise<StartResult | null> => {
    const found = await findTraining(trainingId, http, journal);
    if (!found) return null;
    await journal.recordCreated(trainingId, found.id);
    const intent = (await journal.lookup(trainingId)).intents.at(-1);
    const destination = intent ? parseTrainingTarget(intent.target)?.destination : undefined;
    return trainingStartResult(
      found,
      {
        webhooked: Boolean(found.webhook),
        createdAt: Date.parse(found.created_at ?? "") || Date.now(),
        destination,
      },
      deps.webhookPollMs,
    );
  };

  const noteStatus = (status: StatusResult): void => {
    const version = (status.output as { version?: unknown } | undefined)?.version;
    if (status.state !== "succeeded" || typeof version !== "string") return;
    const [model = ""] = version.split(":");
    const [modelOwner = "", name = ""] = model.split("/");
    catalog.forget(modelOwner, name);
  };

  return {
    defaultTrainer: deps.defaultTrainer,

    async trainingSchema(trainer) {
      return (await trainerOf(trainer)).trainingInput;
    },

    async checkDestination(destination) {
      const username = await owner();
      const [modelOwner, name = ""] = destination.split("/");
      if (modelOwner !== username) {
        throw invalidDestination(
          `${destination} is not a model of the Replicate account ${username}, which trainings push to`,
        );
      }
      if (!(await exists(`/models/${username}/${name}`, `looking up model ${destination}`)))
        throw invalidDestination(`${destination} does not exist on Replicate; create the model first`);
    },

    async createModel(name) {
      const username = await owner();
      const path = `/models/${username}/${name}`;
      const model = `${username}/${name}`;
      // Looking first keeps a retry (or a second LoRA of the same name) from asking to create it again.
      if (!(await exists(path, `looking up model ${model}`))) {
        try {
          await http.request("/models", {
            method: "POST",
            json: { owner: username, name, visibility: "private", hardware: "cpu" },
            what: `creating model ${model}`,
          });
        } catch (error) {
          // Made meanwhile, or by a create whose answer was lost.
          if (!(error instanceof GatewayError && error.code === "conflict")) throw error;
        }
      }
      catalog.forget(username, name);
      return model;
    },

    async uploadTrainingData(data: TrainingData) {
      if (data.size >= MAX_UPLOAD_BYTES) throw tooLarge();
      const bytes = await readAll(await data.open(), MAX_UPLOAD_BYTES);
      const form = new FormData();
      form.append("content", new Blob([new Uint8Array(bytes)], { type: data.contentType }), data.name);
      const { body } = await http.request("/files", {
        method: "POST",
        form,
        timeoutMs: 30_000 + Math.ceil(bytes.length / UPLOAD_BYTES_PER_S) * 1000,
        what: "uploading training data",
      });
      return parseBody(fileSchema, body, "files.create").urls.get;
    },

    async startTraining(request: TrainingRequest, ctx: ProviderContext) {
      const trainer = await trainerOf(request.trainer);
      const input = await prepareInput(request.input, {
        fields: fileFieldsOf(trainer.trainingInput),
        gengateOrigin: request.webhookUrl ? new URL(request.webhookUrl).origin : undefined,
        upstreamOrigin: new URL(http.baseUrl).origin,
        ctx,
        upload: (file) => upload(http, file),
      });
      const body: Record<string, unknown> = { destination: request.destination, input };
      if (request.webhookUrl) {
        const separator = request.webhookUrl.includes("?") ? "&" : "?";
        body.webhook = `${request.webhookUrl}${separator}${trainingMarker(request.trainingId)}`;
        body.webhook_events_filter = WEBHOOK_EVENTS;
      }
      const now = Date.now();
      const target = {
        trainer: `${trainer.owner}/${trainer.name}`,
        version: trainer.versionId,
        destination: request.destination,
      };
      await journal.recordIntent(request.trainingId, {
        at: now,
        target: encodeTrainingTarget(target),
        key: inputKey(input),
      });
      // Creating a training counts against the account's budget for requests other than
      // prediction creates (§6.2): paced by the request bucket.
      const response = await http.request(
        `/models/${trainer.owner}/${trainer.name}/versions/${trainer.versionId}/trainings`,
        { method: "POST", json: body, timeoutMs: CREATE_TIMEOUT_MS, what: "creating a training" },
      );
      const training = parseBody(predictionSchema, response.body, "trainings.create");
      await journal.recordCreated(request.trainingId, training.id);
      return trainingStartResult(
        training,
        { webhooked: request.webhookUrl !== undefined, createdAt: now, destination: request.destination },
        deps.webhookPollMs,
      );
    },

    findTraining(trainingId) {
      return deps.serialize(() => adopt(trainingId));
    },

    async status(op) {
      const context = { webhooked: op.webhooked, createdAt: op.createdAt, webhookPollMs: deps.webhookPollMs };
      let training = op.final;
      if (!training) {
        const { body } = await http.request(`/trainings/${op.id}`, { what: "checking a training" });
        training = parseBody(predictionSchema, body, "trainings.get");
      }
      const status = trainingStatus(training, context);
      noteStatus(status);
      return status;
    },

    async cancel(op) {
      try {
        await http.request(`/trainings/${op.id}/cancel`, { method: "POST", what: "canceling a training" });
      } catch (error) {
        // Already gone upstream: nothing left to cancel.
        if (!(error instanceof GatewayError && error.code === "not_found")) throw error;
      }
    },

    noteStatus,
  };
}
