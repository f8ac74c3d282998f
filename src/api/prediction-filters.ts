/**
 * The filters of the predictions list, read the same way from the query string of
 * `GET /v1/predictions` and from the body of the bulk actions: each refused value names its field.
 */
import { z } from "zod";
import { GatewayError } from "../core/errors.ts";
import { CLIENT_STATUSES, type ClientStatus } from "../core/prediction.ts";
import { MAX_SEARCH_WORDS, searchWords } from "../core/search-words.ts";
import type { PredictionFilters } from "../store/index.ts";
import type { ApiToken } from "../store/tokens-repo.ts";

const MAX_SEARCH_CHARS = 500;
/** An ISO 8601 date and time in a query string, as epoch ms; a bad one names `field`. */
export const isoTime = (field: string) =>
  z.iso
    .datetime({
      offset: true,
      error: `${field} must be an ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z`,
    })
    .transform((value) => Date.parse(value));

const isClientStatus = (value: string): value is ClientStatus =>
  (CLIENT_STATUSES as readonly string[]).includes(value);

export const predictionFilterFields = {
  status: z
    .string()
    .transform((value, ctx) => {
      const statuses = value.split(",");
      if (statuses.every(isClientStatus)) return statuses;
      ctx.addIssue({
        code: "custom",
        message: `status must be a comma-separated list of ${CLIENT_STATUSES.join(", ")}`,
      });
      return z.NEVER;
    })
    .optional(),
  model: z
    .string()
    .regex(/^[^/\s]+\/[^/\s]+$/, "model must be owner/name")
    .optional(),
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "provider must be a provider name such as replicate or fal")
    .optional(),
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "token must be a token id")
    .optional(),
  created_after: isoTime("created_after").optional(),
  created_before: isoTime("created_before").optional(),
  q: z
    .string()
    .max(MAX_SEARCH_CHARS, `q must be at most ${MAX_SEARCH_CHARS} characters`)
    .transform(searchWords)
    .pipe(
      z
        .array(z.string())
        .min(1, "q must hold a word (letters or digits)")
        .max(MAX_SEARCH_WORDS, `q must hold at most ${MAX_SEARCH_WORDS} words`),
    )
    .optional(),
};

export const SORTS = ["newest", "oldest"] as const;
export const sortField = z.enum(SORTS, { error: `sort must be one of ${SORTS.join(", ")}` }).optional();

export type ParsedFilters = z.infer<z.ZodObject<typeof predictionFilterFields>>;

/** The query parameters the filters are read from (and written back to `next` links). */
export const FILTER_PARAMS = Object.keys(predictionFilterFields) as (keyof ParsedFilters)[];

/**
 * The store's filters for what `token` asked: a non-admin token sees only its own predictions and
 * may not name another token; an admin sees all, or one token's.
 */
export function storeFilters(parsed: ParsedFilters, token: ApiToken): PredictionFilters {
  if (parsed.token !== undefined && !token.isAdmin && parsed.token !== token.id) {
    const description = "only an admin token may list another token's predictions";
    throw new GatewayError("forbidden", `token: ${description}`, {
      invalidFields: [{ type: "forbidden", field: "token", description }],
    });
  }
  const tokenId = token.isAdmin ? parsed.token : token.id;
  return {
    ...(tokenId !== undefined && { tokenId }),
    ...(parsed.status && { statuses: parsed.status }),
    ...(parsed.model && { model: parsed.model }),
    ...(parsed.provider && { provider: parsed.provider }),
    ...(parsed.created_after !== undefined && { createdFrom: parsed.created_after }),
    ...(parsed.created_before !== undefined && { createdTo: parsed.created_before }),
    ...(parsed.q && { words: parsed.q }),
  };
}
