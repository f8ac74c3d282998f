/** Predictions table ⇄ `Prediction`. Every state change is a conditional UPDATE. */
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from "kysely";
import {
  type ClientStatus,
  checkTransition,
  NOT_YET_STARTED_STATES,
  PREDICTION_STATES,
  type Prediction,
  type PredictionState,
  UNFINISHED_STATES,
} from "../core/prediction.ts";
import { CompiledShapes } from "./compiled-shapes.ts";
import type { Database } from "./database.ts";
import { byCreation, type CreationOrder, type KeysetCursor } from "./newest-first.ts";
import {
  fromPredictionRow,
  hasValue,
  type PredictionPatch,
  patchToUpdate,
  predictionRow,
  type StoredPrediction,
} from "./prediction-row.ts";
import { QUEUED, QUEUED_GROUP_KEY } from "./queued-groups.ts";
import type { DB, PredictionsTable } from "./schema.ts";
import { SearchBacklog } from "./search-backlog.ts";

/** The states that hold one of a provider's places (its concurrency). */
const IN_FLIGHT: readonly PredictionState[] = ["submitting", "unconfirmed", "running"];

/** The row's columns that have a value: Kysely leaves out undefined ones, so they shape the statement. */
function definedColumns(prediction: Prediction & { upstreamId?: string | null; submitId?: string | null }) {
  return Object.fromEntries(Object.entries(predictionRow(prediction)).filter(hasValue));
}

/** Groups read per statement in dueByGroup: one sub-select each, well under SQLite's 500 per compound. */
const GROUPS_PER_QUERY = 100;

export type { PredictionPatch, RowDamage, StoredPrediction } from "./prediction-row.ts";

export interface PredictionFilters {
  /** Only this token's predictions; all when undefined. */
  tokenId?: string;
  /** Trainings instead of predictions. */
  trainings?: boolean;
  /** Only predictions a client sees in one of these statuses. */
  statuses?: readonly ClientStatus[];
  /** Only predictions of this `owner/name` model (or alias). */
  model?: string;
  /** Only predictions that ran (or are to run) on this provider. */
  provider?: string;
  /** Only predictions created at or after this time (ms since the epoch). */
  createdFrom?: number;
  /** Only predictions created before this time (ms since the epoch). */
  createdTo?: number;
  /** Only predictions whose input holds each of these words (as a word or a word's start); see searchWords. */
  words?: readonly string[];
  /** Only these predictions. */
  ids?: readonly string[];
}

export interface ListPredictionsOptions extends PredictionFilters {
  limit: number;
  /** Newest first unless "oldest". */
  order?: CreationOrder;
  /** Keyset cursor: only rows strictly after this one in the order, by (createdAt, id). */
  before?: KeysetCursor;
}

export interface DueByGroupOptions {
  provider: string;
  now: number;
  /** At most this many rows from each group: a tenant's interactive predictions, or one batch. */
  perGroup: number;
}

export interface DuePredictionsOptions {
  states: readonly PredictionState[];
  now: number;
  limit: number;
  provider?: string;
}

export class PredictionsRepo {
  readonly #db: Kysely<DB>;
  readonly #dialect: Database["dialect"];
  readonly #shapes = new CompiledShapes();
  /** SQLite's words of new predictions, indexed in batches; PostgreSQL indexes each row itself. */
  readonly #searchBacklog: SearchBacklog | undefined;

  constructor(db: Kysely<DB>, dialect: Database["dialect"]) {
    this.#db = db;
    this.#dialect = dialect;
    if (dialect === "sqlite") this.#searchBacklog = new SearchBacklog(db);
  }

  /** `db`: a transaction to store it in (the one that admitted it), else the database. */
  async insert(
    prediction: Prediction & { upstreamId?: string | null; submitId?: string | null },
    db: Kysely<DB> = this.#db,
  ): Promise<void> {
    const row = definedColumns(prediction);
    await this.#shapes.run(db, `insert ${Object.keys(row)}`, Object.values(row), () =>
      db.insertInto("predictions").values(row as ReturnType<typeof predictionRow>),
    );
    await this.#searchBacklog?.added(db);
  }

  /**
   * Stores a new prediction as `claimed` (taken by the process storing it) if its provider has
   * nothing queued and fewer than `concurrency` predictions starting or running, else as
   * `prediction` (queued); whether it was stored claimed. The choice and the insert are one
   * statement, so no claim comes between them. SQLite only, where one process holds the database:
   * on PostgreSQL another process's claim could.
   */
  async insertClaimedIfFree(
    prediction: Prediction,
    claimed: StoredPrediction,
    concurrency: number,
    db: Kysely<DB> = this.#db,
  ): Promise<boolean> {
    if (this.#dialect !== "sqlite") throw new Error("insertClaimedIfFree is for SQLite only");
    const queued = definedColumns(prediction);
    const ifFree: Record<string, unknown> = predictionRow(claimed);
    const columns = Object.keys(queued);
    const differing = new Set<string>();
    const parameters: unknown[] = [];
    for (const column of columns) {
      if (Object.is(ifFree[column], queued[column])) parameters.push(queued[column]);
      else {
        differing.add(column);
        parameters.push(ifFree[column], queued[column]);
      }
    }
    const { provider } = prediction;
    parameters.push(provider, provider, ...IN_FLIGHT, concurrency);
    const insert = () => {
      const values = columns.map((column) =>
        differing.has(column)
          ? sql`case when room.free then ${ifFree[column]} else ${queued[column]} end`
          : sql`${queued[column]}`,
      );
      return sql<{ state: PredictionState }>`
        insert into predictions (${sql.join(columns.map((column) => sql.ref(column)))})
        select ${sql.join(values)} from (select
          not exists (select 1 from predictions where provider = ${provider} and state = 'queued')
          and (select count(*) from predictions where provider = ${provider} and state in (${sql.join(IN_FLIGHT)}))
            < ${concurrency} as free) as room
        returning state`.compile(db);
    };
    const rows = await this.#shapes.run(
      db,
      `claimed insert ${columns} ${[...differing]}`,
      parameters,
      () => ({
        compile: insert,
      }),
    );
    await this.#searchBacklog?.added(db);
    return rows[0]?.state === claimed.state;
  }

  async get(id: string): Promise<StoredPrediction | null> {
    const [row] = await this.#shapes.run(this.#db, "get", [id], () =>
      this.#db.selectFrom("predictions").selectAll().where("id", "=", id),
    );
    return row === undefined ? null : fromPredictionRow(row);
  }

  /** The tokens that trained into `destination` (`owner/name`); rare reads, so no index. */
  async trainersOf(destination: string): Promise<(string | null)[]> {
    const rows = await this.#db
      .selectFrom("predictions")
      .select("token_id")
      .distinct()
      .where("destination", "=", destination)
      .execute();
    return rows.map((row) => row.token_id);
  }

  /** Newest first (or oldest first), by (createdAt, id). */
  async list(options: ListPredictionsOptions): Promise<StoredPrediction[]> {
    if (options.words?.length) await this.#searchBacklog?.index();
    const query = this.#filtered(this.#source(options.words), options);
    const rows = await byCreation(query, options.order ?? "newest", options.limit, options.before).execute();
    return rows.map(fromPredictionRow);
  }

  /**
   * The rows to filter. A search on SQLite starts from the rows whose words match, forced first by a
   * CROSS JOIN: left to itself, SQLite's planner prefers an index on another filter (such as the
   * state's) and tests the words row by row, many times slower.
   */
  #source(words: readonly string[] | undefined): PredictionsQuery {
    if (this.#dialect !== "sqlite" || words === undefined || words.length === 0)
      return this.#db.selectFrom("predictions").selectAll();
    const matched = sql<{
      search_id: string;
    }>`(select id as search_id from predictions_search where predictions_search match ${ftsQuery(words)})`;
    return this.#db
      .selectFrom(matched.as("matched"))
      .crossJoin("predictions")
      .whereRef("predictions.id", "=", "matched.search_id")
      .selectAll("predictions") as unknown as PredictionsQuery;
  }

  /** `query` narrowed to the rows that pass every filter of `filters` (on SQLite, every filter but the words). */
  #filtered(query: PredictionsQuery, filters: PredictionFilters): PredictionsQuery {
    return query.where((eb) => {
      const { tokenId, model, provider, createdFrom, createdTo, statuses, words, ids } = filters;
      const conditions: Expression<SqlBool>[] = [
        eb("destination", filters.trainings ? "is not" : "is", null),
      ];
      if (tokenId !== undefined) conditions.push(eb("token_id", "=", tokenId));
      if (model !== undefined) conditions.push(eb("model", "=", model));
      if (provider !== undefined) conditions.push(eb("provider", "=", provider));
      if (createdFrom !== undefined) conditions.push(eb("created_at", ">=", createdFrom));
      if (createdTo !== undefined) conditions.push(eb("created_at", "<", createdTo));
      if (statuses !== undefined)
        conditions.push(eb.or(statuses.map((status) => hasClientStatus(eb, status))));
      if (ids !== undefined) conditions.push(ids.length === 0 ? eb.lit(false) : eb("id", "in", ids));
      if (words !== undefined && words.length > 0 && this.#dialect === "postgres") {
        const query = words.map((word) => `${word}:*`).join(" & ");
        conditions.push(sql<boolean>`predictions_search_vector(input) @@ to_tsquery('simple', ${query})`);
      }
      return eb.and(conditions);
    });
  }

  /**
   * Applies `patch` only if the prediction is in one of `from`; the updated row, or null. A change
   * the state machine does not allow from one of `from` is refused with an error.
   */
  async transition(
    id: string,
    from: readonly PredictionState[],
    patch: PredictionPatch,
  ): Promise<StoredPrediction | null> {
    checkTransition(from, patch.state);
    if (from.length === 0) return null;
    const update = patchToUpdate(patch);
    const values: unknown[] = [];
    for (const [column, value] of Object.entries(update))
      values.push(column === "retain_until" ? patch.completedAt : value);
    const [row] = await this.#shapes.run(
      this.#db,
      `transition ${Object.keys(update)} from ${from.length}`,
      [...values, id, ...from],
      () =>
        this.#db
          .updateTable("predictions")
          .set(update)
          .where("id", "=", id)
          .where("state", "in", from)
          .returningAll(),
    );
    return row === undefined ? null : fromPredictionRow(row);
  }

  /** Applies `patch` only if state and nextCheckAt are still what the caller read; checked as transition(). */
  async claim(
    id: string,
    expected: { state: PredictionState; nextCheckAt: number },
    patch: PredictionPatch,
  ): Promise<StoredPrediction | null> {
    checkTransition([expected.state], patch.state);
    const row = await this.#db
      .updateTable("predictions")
      .set(patchToUpdate(patch))
      .where("id", "=", id)
      .where("state", "=", expected.state)
      .where("next_check_at", "=", expected.nextCheckAt)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? null : fromPredictionRow(row);
  }

  /** Predictions in `states` whose next check is due, most urgent first. */
  async due(options: DuePredictionsOptions): Promise<StoredPrediction[]> {
    if (options.states.length === 0) return [];
    let query = this.#db
      .selectFrom("predictions")
      .selectAll()
      .where("state", "in", options.states)
      .where("next_check_at", "<=", options.now);
    if (options.provider !== undefined) query = query.where("provider", "=", options.provider);
    const rows = await query
      .orderBy("priority", "desc")
      .orderBy("next_check_at", "asc")
      .orderBy("created_at", "asc")
      .limit(options.limit)
      .execute();
    return rows.map(fromPredictionRow);
  }

  /**
   * Queued predictions of `provider` that are due, the most urgent `perGroup` of each (tenant,
   * batch) group, most urgent first: the candidates a fair scheduler picks from. Read through the
   * queued rows' index a group at a time, so a big batch costs no more than the rows taken from it.
   */
  async dueByGroup(options: DueByGroupOptions): Promise<StoredPrediction[]> {
    const groups = await this.#queuedGroups(options.provider);
    const rows: Selectable<PredictionsTable>[] = [];
    for (let i = 0; i < groups.length; i += GROUPS_PER_QUERY) {
      const [first, ...others] = groups
        .slice(i, i + GROUPS_PER_QUERY)
        .map((group) => this.#db.selectFrom(this.#dueInGroup(group, options).as("due")).selectAll());
      if (first === undefined) break;
      rows.push(...(await others.reduce((union, next) => union.unionAll(next), first).execute()));
    }
    return rankedByGroup(rows.map(fromPredictionRow));
  }

  /** The fair-share groups with queued predictions at `provider`, stepping through the index (one probe each). */
  async #queuedGroups(provider: string): Promise<string[]> {
    const { rows } = await sql<{ group_key: string }>`
      with recursive queued_groups(group_key) as (
        select min(${QUEUED_GROUP_KEY}) from predictions where ${QUEUED} and provider = ${provider}
        union all
        select (
          select min(${QUEUED_GROUP_KEY}) from predictions
          where ${QUEUED} and provider = ${provider} and ${QUEUED_GROUP_KEY} > queued_groups.group_key
        ) from queued_groups where queued_groups.group_key is not null
      )
      select group_key from queued_groups where group_key is not null`.execute(this.#db);
    return rows.map((row) => row.group_key);
  }

  /** The most urgent `perGroup` due queued predictions of one group. */
  #dueInGroup(group: string, options: DueByGroupOptions) {
    return (
      this.#db
        .selectFrom("predictions")
        .selectAll()
        .where(QUEUED)
        .where("provider", "=", options.provider)
        .where(sql<string>`${QUEUED_GROUP_KEY}`, "=", group)
        // Unary plus: SQLite would otherwise rather scan the range of every due queued row by
        // next_check_at and sort it, than walk the group's entries in order and stop at the limit.
        .where(sql<number>`+next_check_at`, "<=", options.now)
        .orderBy("priority", "desc")
        .orderBy("next_check_at", "asc")
        .orderBy("created_at", "asc")
        .limit(options.perGroup)
    );
  }

  /** How many predictions of each batch are being started or running, on any provider. */
  async countActiveByBatch(batchIds: readonly string[]): Promise<Map<string, number>> {
    if (batchIds.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom("predictions")
      .select((eb) => ["batch_id", eb.fn.countAll<number>().as("count")])
      .where("batch_id", "in", batchIds)
      .where("state", "in", IN_FLIGHT)
      .groupBy("batch_id")
      .execute();
    return new Map(rows.map((row) => [row.batch_id ?? "", Number(row.count)]));
  }

  async findByUpstreamId(provider: string, upstreamId: string): Promise<StoredPrediction | null> {
    const row = await this.#db
      .selectFrom("predictions")
      .selectAll()
      .where("provider", "=", provider)
      .where("upstream_id", "=", upstreamId)
      .executeTakeFirst();
    return row === undefined ? null : fromPredictionRow(row);
  }

  /**
   * Predictions that ended since `since`, have a webhook and no `completed` delivery: the process
   * died between recording the end and queueing its webhook.
   */
  async endedWithoutCompletedWebhook(since: number, limit: number): Promise<StoredPrediction[]> {
    const rows = await this.#db
      .selectFrom("predictions")
      .selectAll()
      .where("webhook", "is not", null)
      // An expression, not the column: the recent ends come from `predictions_webhook_completed_at`;
      // SQLite would otherwise read every ended prediction through the index of states.
      .where(sql<string>`(state || '')`, "in", ["succeeded", "failed", "canceled"])
      .where("completed_at", ">=", since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("webhook_deliveries")
              .select("webhook_deliveries.id")
              .whereRef("webhook_deliveries.subject_id", "=", "predictions.id")
              .where("webhook_deliveries.event", "=", "completed"),
          ),
        ),
      )
      .orderBy("completed_at", "asc")
      .limit(limit)
      .execute();
    return rows.map(fromPredictionRow);
  }

  /**
   * How many predictions of each provider (or of `provider` only) are in each unfinished state
   * (absent: none); read from the unfinished rows' index entries only, however many have ended.
   */
  async countUnfinished(provider?: string): Promise<UnfinishedCount[]> {
    let query = this.#db
      .selectFrom("predictions")
      .select((eb) => ["provider", "state", eb.fn.countAll<number>().as("count")])
      .where("state", "in", UNFINISHED_STATES);
    if (provider !== undefined) query = query.where("provider", "=", provider);
    const rows = await query.groupBy(["provider", "state"]).execute();
    return rows.map(({ provider, state, count }) => ({ provider, state, count: Number(count) }));
  }

  /** Number of predictions in each state, optionally of one provider; zero for absent states. */
  async countByState(provider?: string): Promise<Record<PredictionState, number>> {
    let query = this.#db
      .selectFrom("predictions")
      .select((eb) => ["state", eb.fn.countAll<number>().as("count")])
      .groupBy("state");
    if (provider !== undefined) query = query.where("provider", "=", provider);
    const rows = await query.execute();
    const counts = Object.fromEntries(PREDICTION_STATES.map((state) => [state, 0])) as Record<
      PredictionState,
      number
    >;
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }
}

export interface UnfinishedCount {
  provider: string;
  state: PredictionState;
  count: number;
}

/** Work of one provider by unfinished state. */
export type UnfinishedCounts = Record<"queued" | "submitting" | "unconfirmed" | "running", number>;

/** `provider`'s counts among `counts` (from countUnfinished), zero for states it has none in. */
export function unfinishedCountsOf(counts: readonly UnfinishedCount[], provider: string): UnfinishedCounts {
  const of: UnfinishedCounts = { queued: 0, submitting: 0, unconfirmed: 0, running: 0 };
  for (const row of counts) {
    if (row.provider === provider && row.state in of) of[row.state as keyof UnfinishedCounts] += row.count;
  }
  return of;
}

/** Rows of several groups (each most urgent first), ordered by priority, then rank within their group, then age. */
function rankedByGroup(rows: StoredPrediction[]): StoredPrediction[] {
  const urgency = (a: StoredPrediction, b: StoredPrediction) =>
    b.priority - a.priority || a.nextCheckAt - b.nextCheckAt || a.createdAt - b.createdAt;
  const rank = new Map<StoredPrediction, number>();
  const seen = new Map<string, number>();
  for (const row of [...rows].sort(urgency)) {
    const group = `${row.tokenId ?? ""}/${row.batchId ?? ""}`;
    const position = (seen.get(group) ?? 0) + 1;
    seen.set(group, position);
    rank.set(row, position);
  }
  return [...rows].sort(
    (a, b) => b.priority - a.priority || (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || a.createdAt - b.createdAt,
  );
}

type PredictionsQuery = SelectQueryBuilder<DB, "predictions", Selectable<PredictionsTable>>;

/** An FTS5 query for rows holding each word, or a word starting with it (the words are letters and digits only). */
const ftsQuery = (words: readonly string[]) => words.map((word) => `"${word}"*`).join(" ");

/** The rows `clientStatus(state, upstream_phase)` maps onto `status`, as a SQL condition. */
function hasClientStatus(eb: ExpressionBuilder<DB, "predictions">, status: ClientStatus) {
  switch (status) {
    case "starting":
      return eb.or([
        eb("state", "in", NOT_YET_STARTED_STATES),
        eb.and([
          eb("state", "=", "running"),
          eb.or([eb("upstream_phase", "is", null), eb("upstream_phase", "=", "starting")]),
        ]),
      ]);
    case "processing":
      return eb.and([eb("state", "=", "running"), eb("upstream_phase", "=", "processing")]);
    default:
      return eb("state", "=", status);
  }
}
