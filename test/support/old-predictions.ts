/**
 * Fills a gengate database with ended predictions in one bulk INSERT … SELECT, spread like real
 * history: over providers (half on sim), models, end states, tenants and batches, ended between
 * eight days and two hours ago (outside the sweep's one-hour window for missed webhooks).
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../src/store/database.ts";
import type { DB } from "../../src/store/schema.ts";
import { SearchBacklog } from "../../src/store/search-backlog.ts";

const HOUR = 3_600_000;
const SPAN_MS = 8 * 24 * HOUR;

/** The SELECT producing row `i` of `count`, over a sequence `n(i)`; portable SQLite/PostgreSQL SQL. */
function oldRows(count: number, now: number): string {
  const ago = `cast(i as bigint) * ${SPAN_MS - 2 * HOUR} / ${count}`;
  const created = `${now - SPAN_MS} + ${ago}`;
  return `select
    'old' || i,
    case i % 8 when 0 then 'sim/text' when 1 then 'owner/flux' else 'sim/image' end,
    'v1',
    case i % 8 when 2 then 'replicate' when 3 then 'runpod' when 4 then 'fal' when 5 then 'replicate' else 'sim' end,
    case i % 8 when 0 then 'text' else 'image' end,
    '{"prompt":"old prediction ' || i || '","width":512,"height":512}',
    case when i % 20 < 2 then null else '["https://files.example/' || i || '.png"]' end,
    case i % 20 when 0 then 'failed' when 1 then 'canceled' else 'succeeded' end,
    case i % 20 when 0 then 'upstream error' else null end,
    1,
    'oldtenant' || (i % 50),
    ${created},
    ${created} + 500,
    ${created} + 4000,
    ${created} + 4000,
    case when i % 10 = 0 then -10 else 0 end,
    case when i % 10 = 0 then 'oldbatch' || (i / 1000) else null end,
    case when i % 5 = 0 then 'https://hooks.example/done' else null end`;
}

const COLUMNS =
  "id, model, version, provider, provider_model, input, output, state, error, attempts, token_id, " +
  "created_at, started_at, completed_at, next_check_at, priority, batch_id, webhook";

/** Inserts `count` ended predictions (ids `old0`, `old1`…) into a migrated database. */
export async function storeOldPredictions(
  db: Kysely<DB>,
  dialect: Database["dialect"],
  count: number,
): Promise<void> {
  const now = Date.now();
  const statement =
    dialect === "sqlite"
      ? `with recursive n(i) as (select 0 union all select i + 1 from n where i < ${count - 1})
         insert into predictions (${COLUMNS}) ${oldRows(count, now)} from n`
      : `insert into predictions (${COLUMNS}) ${oldRows(count, now)} from generate_series(0, ${count - 1}) as n(i)`;
  await sql.raw(statement).execute(db);
  // SQLite's search index would have taken them in long ago, a batch at a time.
  if (dialect === "sqlite") await new SearchBacklog(db).index();
  // PostgreSQL's autovacuum would have vacuumed and analysed a table this size long ago; left to it
  // now, it would vacuum a million rows while they are measured.
  if (dialect === "postgres") await sql`vacuum analyze predictions`.execute(db);
}
