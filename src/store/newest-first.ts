import { type SelectQueryBuilder, sql } from "kysely";

export interface KeysetCursor {
  createdAt: number;
  id: string;
}

/** Newest first (the default of every list) or oldest first, by (created_at, id). */
export type CreationOrder = "newest" | "oldest";

/** A page of rows newest first by (created_at, id), strictly after `before` when given. */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  limit: number,
  before: KeysetCursor | undefined,
): SelectQueryBuilder<DB, TB, O> {
  return byCreation(query, "newest", limit, before);
}

/** A page of rows in `order` by (created_at, id), strictly after the row `after` in that order when given. */
export function byCreation<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: CreationOrder,
  limit: number,
  after: KeysetCursor | undefined,
): SelectQueryBuilder<DB, TB, O> {
  const direction = order === "newest" ? "desc" : "asc";
  const past = sql.raw(order === "newest" ? "<" : ">");
  const page = after
    ? query.where(
        sql<boolean>`(created_at ${past} ${after.createdAt} or (created_at = ${after.createdAt} and id ${past} ${after.id}))`,
      )
    : query;
  return page.orderBy(sql`created_at`, direction).orderBy(sql`id`, direction).limit(limit);
}
