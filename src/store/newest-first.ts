import { type SelectQueryBuilder, sql } from "kysely";

export interface KeysetCursor {
  createdAt: number;
  id: string;
}

/** A page of rows newest first by (created_at, id), strictly after `before` when given. */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  limit: number,
  before: KeysetCursor | undefined,
): SelectQueryBuilder<DB, TB, O> {
  const page = before
    ? query.where(
        sql<boolean>`(created_at < ${before.createdAt} or (created_at = ${before.createdAt} and id < ${before.id}))`,
      )
    : query;
  return page.orderBy(sql`created_at`, "desc").orderBy(sql`id`, "desc").limit(limit);
}
