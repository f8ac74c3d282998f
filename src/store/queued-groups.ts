/**
 * The SQL that names queued predictions and their fair-share group, shared by the index that holds
 * them (migration 0020) and the queries that read it: both databases use a partial or expression
 * index only for a query that repeats its condition and expression as written, with literals
 * rather than bound parameters.
 */
import { sql } from "kysely";

export const QUEUED = sql<boolean>`state = 'queued'`;

/** `<token id>/<batch id>`, empty for none: one key per (tenant, batch) group. Ids hold no slash. */
export const QUEUED_GROUP_KEY = sql<string>`coalesce(token_id, '') || '/' || coalesce(batch_id, '')`;
