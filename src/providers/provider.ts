/**
 * The provider interface. Generation is slow and processes die, so work is started once and
 * described by a JSON-serialisable `operation` that any later process can resume from.
 */
import type { Readable } from "node:stream";
import type { z } from "zod";
import { GatewayError } from "../core/errors.ts";
import type { ModelRef } from "../core/model-ref.ts";
import type { NamedLocks } from "../core/named-locks.ts";
import type { PredictionMetrics } from "../core/prediction.ts";
import type { ProviderJournal, ProviderJournals } from "../core/provider-journal.ts";
import type { RateLimiter, UpstreamBudget } from "../core/rate-limiter.ts";
import type { WorkLeases } from "../core/work-leases.ts";
import type { ProviderPlatform } from "./platform.ts";

export type JsonSchema = Record<string, unknown>;

export interface ModelCapabilities {
  /** The model streams text tokens (Replicate's `urls.stream`). */
  streaming?: boolean;
  /**
   * The model takes a conversation as `messages` ([{ role, content }], OpenAI's shape) instead of
   * one templated `prompt` (e.g. a vLLM worker).
   */
  chat?: boolean;
  /** Honours OpenAI's `response_format` (json_object, json_schema) given as `response_format` in its input. */
  jsonOutput?: boolean;
  /**
   * Takes OpenAI's `tools`, `tool_choice`, tool and developer messages and its tuning parameters
   * as they are, and answers tool calls (an OpenAI-compatible upstream).
   */
  tools?: boolean;
  referenceImage?: boolean;
  mask?: boolean;
  maxOutputs?: number;
  formats?: string[];
}

export interface ModelDescriptor {
  owner: string;
  name: string;
  description: string;
  /** 64-hex id of the current version. */
  versionId: string;
  versionCreatedAt: string;
  /** JSON Schema of the input object (Cog style: properties with title, default, x-order…). */
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  /** A trainer's: the JSON Schema of its training input (Cog's `TrainingInput`). */
  trainingInputSchema?: JsonSchema;
  capabilities: ModelCapabilities;
  /** The provider's own name for the model, passed back in StartRequest. */
  providerModel: string;
}

export interface InputFile {
  data: Buffer;
  contentType: string;
}

export interface ProviderContext {
  /** Reads a file input (data URL, gengate file URL, or remote URL) the client passed. */
  readInput(url: string): Promise<InputFile>;
  signal?: AbortSignal;
}

export interface StartRequest {
  predictionId: string;
  /**
   * gengate's id for this submit, new on each try. A provider that cannot look its work up
   * (no `find`) marks the submit with it (see submit-marker.ts), so that a webhook can name the
   * work of a submit whose answer was lost; where the provider takes a client-chosen id or
   * idempotency key, this is it.
   */
  submitId: string;
  providerModel: string;
  /** Validated input with schema defaults applied. */
  input: Record<string, unknown>;
  deadlineAt?: number;
  /** Where the provider should send its webhooks, when gengate is reachable from outside. */
  webhookUrl?: string;
}

/** A training of `trainer` that adds a version to the model `destination`. */
export interface TrainingRequest {
  /** gengate's id for the training (it is stored like a prediction). */
  trainingId: string;
  /** The trainer, a model reference this provider knows (e.g. `ostris/flux-dev-lora-trainer`). */
  trainer: string;
  /** `owner/name` of a model made with `createModel`. */
  destination: string;
  /** The trainer's input, validated against its training schema, with defaults applied. */
  input: Record<string, unknown>;
  webhookUrl?: string;
}

/** A training file the provider must be able to fetch. */
export interface TrainingData {
  name: string;
  contentType: string;
  size: number;
  open(): Promise<Readable>;
}

/**
 * Training support. A training is started once like a prediction and then followed with the
 * provider's own `status` and `cancel` (its operation says it is a training). When it succeeds
 * its output is `{ version: "<owner>/<name>:<version id>", weights: OutputFile }`, and that
 * version runs like any model of the provider.
 */
export interface ProviderTraining {
  /** The trainer used when the client names none. */
  readonly defaultTrainer: string;
  /** Trains nothing real (the simulator): picked only when no other provider can train. */
  readonly simulated?: boolean;
  /**
   * Where the provider has no platform to make models at (the simulator): the owner of the models
   * it trains into, which gengate keeps itself (`<modelOwner>/<name>`, made with POST /v1/models).
   */
  readonly modelOwner?: string;
  /** The JSON Schema of a trainer's training input (for validation and defaults). */
  trainingSchema(trainer: string): Promise<JsonSchema>;
  /**
   * Refuses (a 422 naming `destination`) a destination `owner/name` a training could not push its
   * version to, before the training is stored.
   */
  checkDestination(destination: string, ctx: ProviderContext): Promise<void>;
  /** Makes sure a private model `name` exists to receive trained versions; its `owner/name`. Idempotent. */
  createModel(name: string, ctx: ProviderContext): Promise<string>;
  /** A URL the provider can fetch `data` from (it may upload it to the provider's own files API). */
  uploadTrainingData(data: TrainingData, ctx: ProviderContext): Promise<string>;
  startTraining(request: TrainingRequest, ctx: ProviderContext): Promise<StartResult>;
  /** Finds a training already started for `trainingId` (see Provider.find). */
  findTraining(trainingId: string, ctx: ProviderContext): Promise<StartResult | null>;
}

export interface StartResult {
  /** The provider's id for the work; inbound webhooks are matched on it. */
  upstreamId: string;
  operation: unknown;
  /**
   * When the first status check makes sense (default: at once). A provider expecting a webhook
   * can wait long, so that polling only covers webhooks that never came.
   */
  nextPollMs?: number;
  /** What the upstream said is left of its rate budget when it answered the start, if it says. */
  upstreamBudget?: UpstreamBudget;
  /** What the provider dropped or rewrote when it started the work; shown on the prediction. */
  warnings?: string[];
  /** The work's status, when the start's answer already tells it (e.g. the work has ended): no check follows. */
  status?: StatusResult;
}

/**
 * A file output; the engine copies it into gengate storage before the prediction succeeds.
 * `open()` may refine `contentType` and `extension` (e.g. from a download's headers): the engine
 * reads them after it.
 */
export interface OutputFile {
  readonly kind: "output-file";
  contentType: string;
  extension: string;
  open(): Promise<Readable | Uint8Array>;
}

export function outputFile(contentType: string, extension: string, open: OutputFile["open"]): OutputFile {
  return { kind: "output-file", contentType, extension, open };
}

export function isOutputFile(value: unknown): value is OutputFile {
  return typeof value === "object" && value !== null && (value as OutputFile).kind === "output-file";
}

export type UpstreamState = "starting" | "processing" | "succeeded" | "failed" | "canceled";

export type StatusMetrics = Pick<
  PredictionMetrics,
  "predict_time" | "input_token_count" | "output_token_count"
>;

interface StatusCommon {
  logs?: string;
  /** What the upstream did that the client would not expect (a flagged output, a rewrite); shown on the prediction. */
  warnings?: string[];
}

/**
 * Where the work is upstream, tagged by `state`: each state carries what it can have, and a field
 * it cannot have is declared absent (`?: undefined`), so that it reads as undefined everywhere.
 */
export type StatusResult =
  | (StatusCommon & {
      state: "starting" | "processing";
      /** Output so far (streamed text); file values are OutputFile objects. */
      output?: unknown;
      /** When asking again makes sense, if the provider knows. */
      nextPollMs?: number;
      error?: undefined;
      metrics?: undefined;
    })
  | (StatusCommon & {
      state: "succeeded";
      /** JSON output; file values are OutputFile objects. */
      output: unknown;
      metrics?: StatusMetrics;
      /** Why a text model stopped, when the provider says. */
      finishReason?: FinishReason;
      error?: undefined;
      nextPollMs?: undefined;
    })
  | (StatusCommon & {
      state: "failed";
      error: string;
      /** What it wrote before it failed (streamed text). */
      output?: unknown;
      metrics?: StatusMetrics;
      nextPollMs?: undefined;
    })
  | (StatusCommon & {
      state: "canceled";
      error?: string;
      output?: unknown;
      metrics?: undefined;
      nextPollMs?: undefined;
    });

/** Why a text model stopped (vercel/ai's LanguageModelV2FinishReason). */
export type FinishReason =
  | "stop"
  | "length"
  | "content-filter"
  | "tool-calls"
  | "error"
  | "other"
  | "unknown";

/** Tokens a text model read and wrote, as far as the provider knows them. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/**
 * A part of a text model's stream. A stream that ends normally ends with one `finish`, carrying
 * why the model stopped and what it used; a stream that breaks off throws instead.
 */
export type StreamPart =
  | { type: "output"; data: string }
  | { type: "logs"; data: string }
  | { type: "finish"; finishReason: FinishReason; usage: TokenUsage };

export interface RateLimitBudget {
  /** Work sharing a bucket shares its budget (e.g. one upstream account). */
  bucket: string;
  perMinute: number;
  burst: number;
  /**
   * The upstream says what is left of its budget in its answers (StartResult.upstreamBudget):
   * until it first answered, starts go one at a time (core/token-bucket.ts).
   */
  probe?: boolean;
}

/** A budget of `perMinute` starts, allowing a burst of about a second's worth. */
export function perMinuteBudget(bucket: string, perMinute: number): RateLimitBudget {
  return { bucket, perMinute, burst: Math.max(1, Math.ceil(perMinute / 60)) };
}

export interface WebhookUpdate {
  upstreamId: string;
  /** gengate's prediction id, when the provider marked the webhook URL with it. */
  predictionId?: string;
  /** The submit whose work this is, when the webhook URL carries its verified mark. */
  submitId?: string;
  update: StatusResult;
}

export interface ProviderWebhook {
  /** Checks the signature; must be constant-time. */
  verify(request: Request, rawBody: string): Promise<boolean>;
  parse(request: Request, rawBody: string): Promise<WebhookUpdate>;
}

/** What a connection test found, without creating paid work. */
export interface ProviderCheck {
  reachable: boolean;
  /** null when the provider needs no credentials. */
  authenticated: boolean | null;
  /** Requests left in the current rate-limit window, when the upstream says. */
  rateLimitRemaining?: number;
  detail: string;
}

/**
 * The version of this interface (vercel/ai's `specificationVersion`): the registry refuses a
 * provider written against another, instead of misreading its answers.
 */
export const SPECIFICATION_VERSION = "v2";

export interface Provider {
  readonly specificationVersion: typeof SPECIFICATION_VERSION;
  readonly id: string;
  readonly rateLimit: RateLimitBudget;
  /** Upper bound of work in flight at this provider. */
  readonly concurrency: number;
  listModels(): Promise<ModelDescriptor[]>;
  getModel(ref: ModelRef): Promise<ModelDescriptor | null>;
  /**
   * Checks what the input's schema cannot (an input image's content, its size), before the
   * prediction is stored, so the client gets a 4xx instead of a failed prediction.
   */
  checkInput?(providerModel: string, input: Record<string, unknown>, ctx: ProviderContext): Promise<void>;
  /**
   * What the provider will drop or rewrite of this validated input when it starts it (a
   * parameter its worker does not take, one the request's own provider-native name overrides),
   * as warnings shown on the prediction.
   */
  inputWarnings?(providerModel: string, input: Record<string, unknown>): string[];
  /**
   * Starts the work. A failure whose answer was lost after the request may have arrived is a
   * GatewayError with `outcomeUnknown`: the engine never starts it again blindly.
   */
  start(request: StartRequest, ctx: ProviderContext): Promise<StartResult>;
  /**
   * Finds work already started for this prediction, so that a start whose answer was lost (a
   * crash, a reset) is adopted instead of paid twice; null means nothing was started. Providers
   * that cannot look their work up by anything of gengate's leave it out: a start of theirs that
   * may have arrived is never repeated, and waits for a webhook marked with its submit (`adopt`).
   */
  find?(predictionId: string, ctx: ProviderContext): Promise<StartResult | null>;
  /**
   * For providers without `find`: the StartResult of the work `upstreamId`, which a webhook marked
   * with `request.submitId` named as that submit's, after the submit's own answer was lost.
   */
  adopt?(request: StartRequest, upstreamId: string, ctx: ProviderContext): Promise<StartResult>;
  status(operation: unknown, ctx: ProviderContext): Promise<StatusResult>;
  cancel(operation: unknown, ctx: ProviderContext): Promise<void>;
  stream?(operation: unknown, ctx: ProviderContext): AsyncIterable<StreamPart>;
  training?: ProviderTraining;
  /** The provider's platform endpoints, passed through by gengate's (see platform.ts). */
  platform?: ProviderPlatform;
  webhook?: ProviderWebhook;
  /** Reachability, credentials and rate-limit headroom, without creating paid work. */
  check?(): Promise<ProviderCheck>;
  close?(): Promise<void>;
}

/**
 * What every provider of a process is built with. What must hold across processes and hosts lives
 * in gengate's database (journals, leases) or, for budgets and locks, in this process for one
 * process over SQLite and in PostgreSQL for many.
 */
export interface ProviderEnvironment {
  dataDir: string;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  journals: ProviderJournals;
  /** Rate budgets, e.g. for an upstream account's requests; the engine paces starts itself. */
  limiter: RateLimiter;
  /** Locks that exclude every other holder, in this process and in the others. */
  locks: NamedLocks;
  leases: WorkLeases;
}

export interface ProviderDeps extends Omit<ProviderEnvironment, "journals"> {
  /** This provider's own journal. */
  journal: ProviderJournal;
  /** This provider's section of the configuration file (validate it with core's parseSettings). */
  settings: unknown;
  /** The configuration file, for error messages. */
  configFile: string;
}

/** A 422 naming a training's `destination`. */
export function invalidDestination(description: string): GatewayError {
  return new GatewayError("invalid_input", `destination: ${description}`, {
    retryable: false,
    invalidFields: [{ type: "destination", field: "destination", description }],
  });
}

/** A stored operation, checked against the provider's schema; anything else is an internal error. */
export function parseStoredOperation<T extends z.ZodType>(
  schema: T,
  value: unknown,
  provider: string,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new GatewayError("internal", `Not a ${provider} operation: ${issue?.message ?? "invalid"}${where}`, {
    retryable: false,
  });
}
