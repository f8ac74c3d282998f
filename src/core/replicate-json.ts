/** The prediction as Replicate's API shows it (reference/replicate.md §3). */
import { mapFileRefs } from "./output.ts";
import { clientStatus, isTerminal, type Prediction } from "./prediction.ts";

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
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `baseUrl` is where clients reach gengate, without a trailing slash (e.g. `https://gg.example.com`). */
export function toReplicateJson(prediction: Prediction, baseUrl: string): ReplicatePrediction {
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
    output: mapFileRefs(prediction.output, (key) => `${baseUrl}/files/${key}`),
    logs: prediction.logs,
    error: prediction.error,
    status: clientStatus(prediction.state, prediction.upstreamPhase),
    source: "api",
    data_removed: false,
    created_at: new Date(prediction.createdAt).toISOString(),
    started_at: iso(prediction.startedAt),
    completed_at: iso(prediction.completedAt),
    urls,
  };
  if (isTerminal(prediction.state)) json.metrics = { ...prediction.metrics };
  if (prediction.webhook) json.webhook = prediction.webhook;
  if (prediction.webhookEventsFilter) json.webhook_events_filter = prediction.webhookEventsFilter;
  if (prediction.deadlineAt !== null) json.deadline = new Date(prediction.deadlineAt).toISOString();
  return json;
}
