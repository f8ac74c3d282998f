/** Every prediction and training created, with what the runner, the API and the SSE stream need. */
import { objectId } from "./ids.ts";
import type { FakePrediction, PredictionStatus } from "./types.ts";

export interface StreamEvent {
  event: "output" | "logs" | "error" | "done";
  /** `<unix seconds>:<sequence>`. */
  id: string;
  data: string;
}

export interface PredictionRecord extends Omit<FakePrediction, "dataRemoved"> {
  /** Creation order, for pagination. */
  seq: number;
  /** Path token of `urls.stream`, for models that stream. */
  streamToken: string | null;
  /** Everything sent on the stream so far, replayed to late subscribers. */
  streamEvents: StreamEvent[];
  /** The final output is in place (status may still be "processing" for a moment). */
  outputComplete: boolean;
}

const TERMINAL: ReadonlySet<PredictionStatus> = new Set(["succeeded", "failed", "canceled", "aborted"]);

export const isTerminal = (status: PredictionStatus) => TERMINAL.has(status);

/** Inputs, outputs and logs are removed `ttlMs` after a prediction finishes. */
export function isDataRemoved(
  prediction: { completedAt: number | null },
  ttlMs: number,
  now = Date.now(),
): boolean {
  return prediction.completedAt !== null && now >= prediction.completedAt + ttlMs;
}

/** A record as created: "starting", with nothing produced yet; a deadline counts from creation. */
export function newRecord(
  fields: Pick<
    PredictionRecord,
    "kind" | "model" | "version" | "versionId" | "input" | "webhook" | "webhookEventsFilter" | "streamToken"
  > &
    Partial<Pick<PredictionRecord, "deployment" | "destination">>,
  deadlineAfterMs?: number,
): Omit<PredictionRecord, "seq"> {
  const createdAt = Date.now();
  return {
    id: objectId(),
    deployment: null,
    destination: null,
    ...fields,
    deadline: deadlineAfterMs === undefined ? null : createdAt + deadlineAfterMs,
    createdAt,
    startedAt: null,
    completedAt: null,
    status: "starting",
    output: null,
    logs: "",
    error: null,
    metrics: null,
    streamEvents: [],
    outputComplete: false,
  };
}

export class PredictionStore {
  readonly #all: PredictionRecord[] = [];
  readonly #byId = new Map<string, PredictionRecord>();
  readonly #byStreamToken = new Map<string, PredictionRecord>();

  add(record: Omit<PredictionRecord, "seq">): PredictionRecord {
    const stored = { ...record, seq: this.#all.length };
    this.#all.push(stored);
    this.#byId.set(stored.id, stored);
    if (stored.streamToken) this.#byStreamToken.set(stored.streamToken, stored);
    return stored;
  }

  get(id: string, kind: FakePrediction["kind"]): PredictionRecord | undefined {
    const found = this.#byId.get(id);
    return found?.kind === kind ? found : undefined;
  }

  byStreamToken(token: string): PredictionRecord | undefined {
    return this.#byStreamToken.get(token);
  }

  /** Newest first. */
  list(kind: FakePrediction["kind"]): PredictionRecord[] {
    return this.#all.filter((record) => record.kind === kind).reverse();
  }

  /** Oldest first, as copies without the internal fields. */
  snapshots(ttlMs: number): FakePrediction[] {
    return this.#all.map(
      ({ seq: _seq, streamToken: _token, streamEvents: _events, outputComplete: _done, ...rest }) => ({
        ...rest,
        input: { ...rest.input },
        output: structuredClone(rest.output),
        dataRemoved: isDataRemoved(rest, ttlMs),
      }),
    );
  }
}
