/** fal's answers (reference B.2, B.4), checked with zod; unknown fields are ignored. */
import { z } from "zod";
import { parseAnswer } from "../toolkit/answer.ts";

export const submitAnswer = z.object({
  request_id: z.string().min(1),
  status_url: z.url(),
  response_url: z.url(),
  cancel_url: z.url(),
});

const requestLog = z.object({ message: z.string() });

export const queueStatus = z.object({
  status: z.enum(["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]),
  queue_position: z.number().nullish(),
  logs: z.array(requestLog).nullish(),
  metrics: z.object({ inference_time: z.number().nullish() }).nullish(),
  error: z.string().nullish(),
  error_type: z.string().nullish(),
});
export type QueueStatus = z.infer<typeof queueStatus>;

const falFile = z.object({ url: z.string().min(1), content_type: z.string().nullish() });
export type FalFile = z.infer<typeof falFile>;

/** Text-to-image apps answer `images` (most) or `image` (a few). */
export const imageResult = z
  .object({
    images: z.array(falFile).nullish(),
    image: falFile.nullish(),
    has_nsfw_concepts: z.array(z.boolean()).nullish(),
  })
  .refine((result) => result.images || result.image, "no images or image in the result");
export type ImageResult = z.infer<typeof imageResult>;

export const webhookBody = z.object({
  request_id: z.string().min(1),
  status: z.enum(["OK", "ERROR"]),
  payload: z.unknown(),
  error: z.string().nullish(),
});

/** An answer as `schema` says; a shape fal never sends is a provider error, not a crash. */
export function parseFalAnswer<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  return parseAnswer("fal", schema, body, what);
}
