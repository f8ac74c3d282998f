/** Replicate's response bodies, as far as gengate reads them (reference/replicate.md §2, §3). */
import { z } from "zod";
import { parseAnswer } from "../toolkit/answer.ts";

const STATUSES = ["starting", "processing", "succeeded", "failed", "canceled", "aborted"] as const;

export const predictionSchema = z.looseObject({
  id: z.string().min(1),
  model: z.string().optional(),
  version: z.string().nullish(),
  input: z.record(z.string(), z.unknown()).nullish(),
  output: z.unknown().optional(),
  logs: z.string().nullish(),
  error: z.unknown().optional(),
  status: z.enum(STATUSES),
  created_at: z.string().nullish(),
  data_removed: z.boolean().nullish(),
  deployment: z.string().nullish(),
  webhook: z.string().nullish(),
  urls: z.looseObject({ get: z.string().optional(), stream: z.string().optional() }).nullish(),
  metrics: z
    .looseObject({
      predict_time: z.number().optional(),
      input_token_count: z.number().optional(),
      output_token_count: z.number().optional(),
    })
    .nullish(),
});
export type UpstreamPrediction = z.infer<typeof predictionSchema>;

export const predictionPageSchema = z.looseObject({
  next: z.string().nullish(),
  results: z.array(z.unknown()),
});

const openapiSchema = z.looseObject({
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export const versionSchema = z.looseObject({
  id: z.string().min(1),
  created_at: z.string().nullish(),
  openapi_schema: openapiSchema.nullish(),
});
export type UpstreamVersion = z.infer<typeof versionSchema>;

export const modelSchema = z.looseObject({
  owner: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  is_official: z.boolean().optional(),
  latest_version: versionSchema.nullish(),
});

export const deploymentSchema = z.looseObject({
  owner: z.string(),
  name: z.string(),
  current_release: z.looseObject({ model: z.string(), version: z.string() }),
});

export const fileSchema = z.looseObject({ urls: z.looseObject({ get: z.string() }) });

export const secretSchema = z.looseObject({ key: z.string().startsWith("whsec_") });

/** A response body as `schema` says; a shape Replicate never sends is a provider error, not a crash. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  return parseAnswer("Replicate", schema, body, what);
}
