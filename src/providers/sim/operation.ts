/**
 * The JSON operation a sim start returns: everything a later process needs to answer status()
 * and stream() from the clock alone.
 */
import { z } from "zod";
import { parseStoredOperation } from "../provider.ts";
import { IMAGE_FORMATS } from "./models.ts";

const common = {
  provider: z.literal("sim"),
  upstreamId: z.string().min(1),
  seed: z.int(),
  startedAt: z.number(),
  /** Image: time from start to result. Text: time from start to the first token. */
  latencyMs: z.number().nonnegative(),
  /** The error the prediction will fail with, decided at start; null when it succeeds. */
  failure: z.string().nullable(),
};

const imageOperation = z.object({
  ...common,
  kind: z.literal("image"),
  prompt: z.string(),
  width: z.int().positive(),
  height: z.int().positive(),
  numOutputs: z.int().positive(),
  format: z.enum(IMAGE_FORMATS),
  quality: z.int().min(0).max(100),
  imageUrl: z.string().nullable(),
  /** Inpainting: where the pattern repaints the input image (absent in operations older than masks). */
  maskUrl: z.string().nullish(),
  /** A sim-lora model's LoRA: its name styles the images, `scale` how strongly. */
  lora: z.object({ name: z.string().min(1), version: z.string(), scale: z.number() }).nullish(),
});

const textOperation = z.object({
  ...common,
  kind: z.literal("text"),
  prompt: z.string(),
  maxTokens: z.int().positive(),
  tokenIntervalMs: z.number().nonnegative(),
});

const embeddingOperation = z.object({
  ...common,
  kind: z.literal("embedding"),
  texts: z.array(z.string()),
  dimensions: z.int().positive(),
});

/** A training of sim/lora-trainer; everything is decided at start, from the zip it was given. */
const trainingOperation = z.object({
  provider: z.literal("sim"),
  kind: z.literal("training"),
  upstreamId: z.string().min(1),
  /** gengate's id of the training; the trained version id is derived from it. */
  trainingId: z.string().min(1),
  /** `sim-lora/<name>`. */
  destination: z.string().min(1),
  versionId: z.string().regex(/^[a-f0-9]{64}$/),
  startedAt: z.number(),
  durationMs: z.number().nonnegative(),
  /** Why the training fails (a bad zip), decided at start; null when it succeeds. */
  failure: z.string().nullable(),
  triggerWord: z.string(),
  steps: z.int().positive(),
  loraRank: z.int().positive(),
  learningRate: z.number(),
  autocaption: z.boolean(),
  images: z.int().nonnegative(),
  captions: z.int().nonnegative(),
});

const simOperation = z.discriminatedUnion("kind", [
  imageOperation,
  textOperation,
  embeddingOperation,
  trainingOperation,
]);

export type SimOperation = z.infer<typeof simOperation>;
export type TrainingOperation = z.infer<typeof trainingOperation>;
export type ImageOperation = z.infer<typeof imageOperation>;
export type TextOperation = z.infer<typeof textOperation>;
export type EmbeddingOperation = z.infer<typeof embeddingOperation>;

export function parseSimOperation(value: unknown): SimOperation {
  return parseStoredOperation(simOperation, value, "sim");
}

/** A stored operation if it is a training, else null. */
export function trainingOperationOf(value: unknown): TrainingOperation | null {
  const parsed = trainingOperation.safeParse(value);
  return parsed.success ? parsed.data : null;
}
