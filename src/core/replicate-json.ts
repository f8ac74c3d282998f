/** The prediction as Replicate's API shows it (reference/replicate.md §3). */
import type { Links } from "./links.ts";
import { mapFileRefs } from "./output.ts";
import { clientStatus, isTerminal, type Prediction } from "./prediction.ts";
import type { RouteLogEntry } from "./route.ts";

/** gengate's extension of the prediction; clients that do not know it ignore it. */
export type GengateJson = Partial<GengateRouteJson> & {
  /** The seed the model reported in its logs (`Using seed: N`), to reproduce the result. */
  seed?: number;
  /** The batch the prediction is an item of. */
  batch_id?: string;
  /** What the finished prediction cost in US dollars, from the configured prices; absent while unknown. */
  cost_usd?: number;
};

/** How a catalog alias was routed. */
export interface GengateRouteJson {
  alias: string;
  /** The target running (or that ran last). */
  target: { key: string; provider: string; model: string };
  /** The input as sent to that target, after mapping and adaptation. */
  target_input: Record<string, unknown>;
  /** Each target tried or skipped, in order, with the reason. */
  route: RouteLogEntry[];
  warnings: string[];
}

export interface ReplicatePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  output: unknown;
  logs: string;
  error: string | null;
  status: string;
  source: "api";
  data_removed: boolean;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  urls: Record<string, string>;
  metrics?: Record<string, number>;
  webhook?: string;
  webhook_events_filter?: string[];
  deadline?: string;
  gengate?: GengateJson;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `links` say where clients reach gengate and its files. */
export function toReplicateJson(prediction: Prediction, links: Links): ReplicatePrediction {
  const baseUrl = links.base;
  const api = `${baseUrl}/v1/predictions/${prediction.id}`;
  const urls: Record<string, string> = {
    get: api,
    cancel: `${api}/cancel`,
    web: `${baseUrl}/p/${prediction.id}`,
  };
  if (prediction.streaming) urls.stream = `${api}/stream`;
  const json: ReplicatePrediction = {
    id: prediction.id,
    model: prediction.model,
    version: prediction.version,
    input: prediction.input,
    output: mapFileRefs(prediction.output, links.file),
    logs: prediction.logs,
    error: prediction.error,
    status: clientStatus(prediction.state, prediction.upstreamPhase),
    source: "api",
    data_removed: Boolean(prediction.dataRemovedAt),
    created_at: new Date(prediction.createdAt).toISOString(),
    started_at: iso(prediction.startedAt),
    completed_at: iso(prediction.completedAt),
    urls,
  };
  if (isTerminal(prediction.state)) json.metrics = { ...prediction.metrics };
  if (prediction.webhook) json.webhook = prediction.webhook;
  if (prediction.webhookEventsFilter) json.webhook_events_filter = prediction.webhookEventsFilter;
  if (prediction.deadlineAt !== null) json.deadline = new Date(prediction.deadlineAt).toISOString();
  const route = prediction.route;
  if (route) {
    const { key, provider, model } = route.current;
    json.input = route.request;
    json.gengate = {
      alias: route.alias,
      target: { key, provider, model },
      target_input: prediction.input,
      route: route.log,
      warnings: route.warnings,
    };
  }
  if (prediction.warnings?.length) json.gengate = { ...json.gengate, warnings: prediction.warnings };
  const seed = seedInLogs(prediction.logs);
  if (seed !== undefined) json.gengate = { ...json.gengate, seed };
  if (prediction.batchId) json.gengate = { ...json.gengate, batch_id: prediction.batchId };
  return json;
}

/** A training as Replicate's trainings API shows it: a prediction with its destination and its own URLs. */
export function toTrainingJson(
  training: Prediction,
  links: Links,
): ReplicatePrediction & { destination: string } {
  const api = `${links.base}/v1/trainings/${training.id}`;
  return {
    ...toReplicateJson(training, links),
    destination: training.destination ?? "",
    urls: { get: api, cancel: `${api}/cancel` },
  };
}

/** The seed a model reports in its logs, as Cog models do: `Using seed: N` (the last one wins). */
export function seedInLogs(logs: string): number | undefined {
  const matches = [...logs.matchAll(/^Using seed: (\d+)\s*$/gm)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? undefined : Number(last);
}
