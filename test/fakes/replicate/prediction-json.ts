/** Predictions and trainings as the API shows them (reference/replicate.md §3, §2.3). */
import { isoTime } from "./ids.ts";
import { isDataRemoved, isTerminal, type PredictionRecord } from "./prediction-store.ts";

export interface JsonView {
  /** API base including /v1. */
  apiUrl: string;
  outputTtlMs: number;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : isoTime(ms));

export function predictionJson(record: PredictionRecord, view: JsonView): Record<string, unknown> {
  const removed = isDataRemoved(record, view.outputTtlMs);
  const self = `${view.apiUrl}/${record.kind === "training" ? "trainings" : "predictions"}/${record.id}`;
  const json: Record<string, unknown> = {
    id: record.id,
    model: record.model,
    version: record.version,
    input: removed ? {} : record.input,
    logs: removed ? "" : record.logs,
    output: removed ? null : record.output,
    data_removed: removed,
    error: record.error,
    status: record.status,
    created_at: isoTime(record.createdAt),
    started_at: isoOrNull(record.startedAt),
    completed_at: isoOrNull(record.completedAt),
    source: "api",
    urls: {
      cancel: `${self}/cancel`,
      get: self,
      web: `https://replicate.com/p/${record.id}`,
      ...(record.streamToken && { stream: `${view.apiUrl}/streams/${record.streamToken}` }),
    },
  };
  if (isTerminal(record.status) && record.metrics) json.metrics = record.metrics;
  if (record.deadline !== null) json.deadline = isoTime(record.deadline);
  if (record.deployment !== null) json.deployment = record.deployment;
  if (record.webhook !== null) {
    json.webhook = record.webhook;
    json.webhook_events_filter = record.webhookEventsFilter;
  }
  return json;
}
