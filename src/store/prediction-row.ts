/**
 * A predictions row ⇄ `Prediction`. Writing refuses a time no row may hold; reading never fails
 * on one bad row: a value that cannot be read (a time out of range, JSON that does not parse, as a
 * row written by an older version or by hand may hold) is replaced by a stand-in, and the row says
 * what is damaged, for the engine to fail it rather than stop on it.
 */
import { type Selectable, sql, type UpdateObject } from "kysely";
import { GatewayError } from "../core/errors.ts";
import type { Prediction, PredictionMetrics, WebhookEvent } from "../core/prediction.ts";
import type { PredictionRoute } from "../core/route.ts";
import { isTimestamp } from "../core/timestamps.ts";
import { toJson } from "./json.ts";
import type { DB, PredictionsTable } from "./schema.ts";

export type PredictionPatch = Partial<
  Pick<
    StoredPrediction,
    | "state"
    | "upstreamPhase"
    | "upstreamId"
    | "submitId"
    | "operation"
    | "output"
    | "logs"
    | "error"
    | "attempts"
    | "createdAt"
    | "startedAt"
    | "completedAt"
    | "nextCheckAt"
    | "metrics"
    | "cancelRequestedAt"
    | "deadlineAt"
    | "provider"
    | "providerModel"
    | "version"
    | "input"
    | "webhookEventsFilter"
    | "route"
    | "warnings"
  >
>;

/** What of a stored row could not be read, and the patch that writes its stand-ins back. */
export interface RowDamage {
  reason: string;
  repair: PredictionPatch;
}

/**
 * A prediction as stored: the domain object plus the provider's id for it, once known, and the id
 * of its latest submit (a fresh one each time it is claimed to start), which marks that submit.
 */
export type StoredPrediction = Prediction & {
  upstreamId: string | null;
  submitId: string | null;
  damage?: RowDamage;
};

type Row = Selectable<PredictionsTable>;

type TimeColumn =
  | "created_at"
  | "started_at"
  | "completed_at"
  | "next_check_at"
  | "deadline_at"
  | "cancel_requested_at";

/** Refuses a time no row may hold (it would break every read of the row), naming its column. */
function storable<T extends number | null | undefined>(column: TimeColumn, value: T): T {
  if (value === null || value === undefined || isTimestamp(value)) return value;
  throw new GatewayError("internal", `${column} cannot be stored: ${value} is not a time from 1970 to 9999`);
}

export function predictionRow(p: Prediction & { upstreamId?: string | null; submitId?: string | null }): Row {
  return {
    id: p.id,
    model: p.model,
    version: p.version,
    provider: p.provider,
    provider_model: p.providerModel,
    input: JSON.stringify(p.input),
    output: toJson(p.output),
    logs: p.logs,
    error: p.error,
    state: p.state,
    upstream_phase: p.upstreamPhase,
    upstream_id: p.upstreamId ?? null,
    submit_id: p.submitId ?? null,
    operation: toJson(p.operation),
    attempts: p.attempts,
    webhook: p.webhook,
    webhook_events_filter: toJson(p.webhookEventsFilter),
    token_id: p.tokenId,
    created_at: storable("created_at", p.createdAt),
    started_at: storable("started_at", p.startedAt),
    completed_at: storable("completed_at", p.completedAt),
    next_check_at: storable("next_check_at", p.nextCheckAt),
    deadline_at: storable("deadline_at", p.deadlineAt),
    cancel_requested_at: storable("cancel_requested_at", p.cancelRequestedAt),
    metrics: JSON.stringify(p.metrics),
    streaming: p.streaming ? 1 : 0,
    priority: p.priority,
    route: toJson(p.route ?? null),
    batch_id: p.batchId ?? null,
    destination: p.destination ?? null,
    warnings: p.warnings?.length ? JSON.stringify(p.warnings) : null,
    retention_ms: p.retentionMs ?? null,
    retain_until: null,
    data_removed_at: p.dataRemovedAt ?? null,
    trace_parent: p.traceParent ?? null,
  };
}

/** Reads the columns of one row, noting each value it had to replace. */
class ColumnReader {
  readonly problems: string[] = [];
  readonly repair: PredictionPatch = {};

  time(
    field: keyof PredictionPatch,
    column: TimeColumn,
    value: number | null,
    standIn: number | null,
  ): number | null {
    if (value === null || isTimestamp(value)) return value;
    return this.#replace(field, `${column} ${value} is not a time`, standIn);
  }

  json<T>(field: keyof PredictionPatch, column: string, text: string | null, standIn: T | null): T | null {
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      return this.#replace(field, `${column} is not valid JSON`, standIn);
    }
  }

  #replace<T>(field: keyof PredictionPatch, problem: string, standIn: T): T {
    this.problems.push(problem);
    (this.repair as Record<string, unknown>)[field] = standIn;
    return standIn;
  }
}

export function fromPredictionRow(row: Row): StoredPrediction {
  const read = new ColumnReader();
  const route = read.json<PredictionRoute>("route", "route", row.route, null);
  const prediction: StoredPrediction = {
    id: row.id,
    model: row.model,
    version: row.version,
    provider: row.provider,
    providerModel: row.provider_model,
    input: read.json<Record<string, unknown>>("input", "input", row.input, {}) ?? {},
    output: read.json("output", "output", row.output, null),
    logs: row.logs,
    error: row.error,
    state: row.state,
    upstreamPhase: row.upstream_phase,
    upstreamId: row.upstream_id,
    submitId: row.submit_id,
    operation: read.json("operation", "operation", row.operation, null),
    attempts: row.attempts,
    webhook: row.webhook,
    webhookEventsFilter: read.json<WebhookEvent[]>(
      "webhookEventsFilter",
      "webhook_events_filter",
      row.webhook_events_filter,
      null,
    ),
    tokenId: row.token_id,
    // An unreadable creation or check time stands in as the oldest, due at once.
    createdAt: read.time("createdAt", "created_at", row.created_at, 0) ?? 0,
    startedAt: read.time("startedAt", "started_at", row.started_at, null),
    completedAt: read.time("completedAt", "completed_at", row.completed_at, null),
    nextCheckAt: read.time("nextCheckAt", "next_check_at", row.next_check_at, 0) ?? 0,
    deadlineAt: read.time("deadlineAt", "deadline_at", row.deadline_at, null),
    cancelRequestedAt: read.time("cancelRequestedAt", "cancel_requested_at", row.cancel_requested_at, null),
    metrics: read.json<PredictionMetrics>("metrics", "metrics", row.metrics, {}) ?? {},
    streaming: row.streaming !== 0,
    priority: row.priority,
    ...(route !== null && { route }),
    ...(row.batch_id !== null && { batchId: row.batch_id }),
    ...(row.destination !== null && { destination: row.destination }),
    ...(row.retention_ms !== null && { retentionMs: row.retention_ms }),
    ...(row.data_removed_at !== null && { dataRemovedAt: row.data_removed_at }),
    ...(row.trace_parent !== null && { traceParent: row.trace_parent }),
  };
  const warnings = read.json<string[]>("warnings", "warnings", row.warnings, null);
  if (warnings !== null) prediction.warnings = warnings;
  if (read.problems.length === 0) return prediction;
  return { ...prediction, damage: { reason: read.problems.join("; "), repair: read.repair } };
}

/**
 * Whether a column's entry has a value. Hot filters take a function made once, not an arrow made
 * per call: V8 drops the optimized code of closures made afresh at each full collection and compiles
 * it again (BENCHMARKS.md, "The steady state").
 */
export const hasValue = ([, value]: [string, unknown]): boolean => value !== undefined;

/** The columns a patch writes; keys left undefined are not touched. */
export function patchToUpdate(patch: PredictionPatch): UpdateObject<DB, "predictions"> {
  const columns: UpdateObject<DB, "predictions"> = {
    state: patch.state,
    upstream_phase: patch.upstreamPhase,
    upstream_id: patch.upstreamId,
    submit_id: patch.submitId,
    operation: patch.operation === undefined ? undefined : toJson(patch.operation),
    output: patch.output === undefined ? undefined : toJson(patch.output),
    logs: patch.logs,
    error: patch.error,
    attempts: patch.attempts,
    created_at: storable("created_at", patch.createdAt),
    started_at: storable("started_at", patch.startedAt),
    completed_at: storable("completed_at", patch.completedAt),
    // A client's own retention counts from the end; the default's is counted by the sweep.
    retain_until:
      patch.completedAt === undefined || patch.completedAt === null
        ? undefined
        : sql<number>`${patch.completedAt} + retention_ms`,
    next_check_at: storable("next_check_at", patch.nextCheckAt),
    metrics: patch.metrics === undefined ? undefined : JSON.stringify(patch.metrics),
    cancel_requested_at: storable("cancel_requested_at", patch.cancelRequestedAt),
    deadline_at: storable("deadline_at", patch.deadlineAt),
    provider: patch.provider,
    provider_model: patch.providerModel,
    version: patch.version,
    input: patch.input === undefined ? undefined : JSON.stringify(patch.input),
    webhook_events_filter:
      patch.webhookEventsFilter === undefined ? undefined : toJson(patch.webhookEventsFilter),
    route: patch.route === undefined ? undefined : toJson(patch.route),
    warnings: patch.warnings === undefined ? undefined : toJson(patch.warnings),
  };
  const defined = Object.entries(columns).filter(hasValue);
  // An empty patch still needs a SET clause; rewriting the id leaves the row as it was.
  return defined.length === 0 ? { id: (eb) => eb.ref("id") } : Object.fromEntries(defined);
}
