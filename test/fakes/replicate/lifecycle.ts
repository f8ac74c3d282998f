/**
 * A prediction's (or training's) life: starting → processing → succeeded | failed | canceled, or
 * aborted when its `Cancel-After` deadline passes before it starts. Every change is emitted and,
 * for streaming models, appended to the SSE event log.
 */
import type { PredictionEvents } from "./prediction-events.ts";
import { isTerminal, type PredictionRecord, type StreamEvent } from "./prediction-store.ts";
import type { Scheduler } from "./scheduler.ts";
import type { PredictionStatus } from "./types.ts";

/** From the final output to "succeeded": a `Prefer: wait` answer in this window says "processing". */
const FINALIZE_MS = 10;

export class Lifecycle {
  readonly #scheduler: Scheduler;
  readonly #events: PredictionEvents;
  readonly #bootMs: number;

  constructor(scheduler: Scheduler, events: PredictionEvents, bootMs: number) {
    this.#scheduler = scheduler;
    this.#events = events;
    this.#bootMs = bootMs;
  }

  /** Emits "start", arms the deadline, and calls `run` once the record is processing. */
  start(record: PredictionRecord, run: (record: PredictionRecord) => unknown): void {
    this.#events.emit(record, "start");
    if (record.deadline !== null) {
      const expire = () => this.#finish(record, record.status === "starting" ? "aborted" : "canceled");
      this.#scheduler.after(record.deadline - Date.now(), expire, record.id);
    }
    this.later(record, this.#bootMs, () => {
      record.status = "processing";
      record.startedAt = Date.now();
      return run(record);
    });
  }

  /** Runs `task` in `ms` unless the record has finished by then; a thrown error fails it. */
  later(record: PredictionRecord, ms: number, task: () => unknown): void {
    const guarded = async () => {
      if (isTerminal(record.status)) return;
      try {
        await task();
      } catch (error) {
        this.fail(record, error instanceof Error ? error.message : String(error));
      }
    };
    this.#scheduler.after(ms, guarded, record.id);
  }

  appendLogs(record: PredictionRecord, line: string): void {
    record.logs += `${line}\n`;
    this.#stream(record, "logs", line);
    this.#events.emit(record, "logs");
  }

  /** One more token of an iterator output. */
  appendToken(record: PredictionRecord, token: string): void {
    (record.output as string[]).push(token);
    this.#stream(record, "output", token);
    this.#events.emit(record, "output");
  }

  /** The final output is in place; the record succeeds a moment later. */
  complete(record: PredictionRecord, output: unknown, metrics: Record<string, number> = {}): void {
    record.output = output;
    record.outputComplete = true;
    this.#events.emit(record, "output");
    this.later(record, FINALIZE_MS, () => this.#finish(record, "succeeded", null, metrics));
  }

  fail(record: PredictionRecord, error: string): void {
    this.#finish(record, "failed", error);
  }

  cancel(record: PredictionRecord): void {
    this.#finish(record, "canceled");
  }

  #finish(
    record: PredictionRecord,
    status: PredictionStatus,
    error: string | null = null,
    metrics = {},
  ): void {
    if (isTerminal(record.status)) return;
    const now = Date.now();
    record.status = status;
    record.error = error;
    record.completedAt = now;
    record.metrics = {
      ...metrics,
      predict_time: record.startedAt === null ? 0 : (now - record.startedAt) / 1000,
      total_time: (now - record.createdAt) / 1000,
    };
    this.#scheduler.cancelOwned(record.id);
    if (status === "failed") this.#stream(record, "error", JSON.stringify({ detail: error }));
    const reason = status === "succeeded" ? {} : { reason: status === "failed" ? "error" : "canceled" };
    this.#stream(record, "done", JSON.stringify(reason));
    this.#events.emit(record, "completed");
  }

  #stream(record: PredictionRecord, event: StreamEvent["event"], data: string): void {
    if (record.streamToken === null) return;
    const id = `${Math.floor(Date.now() / 1000)}:${record.streamEvents.length}`;
    record.streamEvents.push({ event, id, data });
  }
}
