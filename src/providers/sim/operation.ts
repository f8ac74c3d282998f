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
});

const textOperation = z.object({
  ...common,
  kind: z.literal("text"),
  prompt: z.string(),
  maxTokens: z.int().positive(),
  tokenIntervalMs: z.number().nonnegative(),
});

const simOperation = z.discriminatedUnion("kind", [imageOperation, textOperation]);

export type SimOperation = z.infer<typeof simOperation>;
export type ImageOperation = z.infer<typeof imageOperation>;
export type TextOperation = z.infer<typeof textOperation>;

export function parseSimOperation(value: unknown): SimOperation {
  return parseStoredOperation(simOperation, value, "sim");
}
