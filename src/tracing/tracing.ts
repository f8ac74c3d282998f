/**
 * gengate's tracing facade. It is a no-op unless `startTracing` found OTEL_EXPORTER_OTLP_ENDPOINT
 * and loaded OpenTelemetry, so the code it instruments pays next to nothing when tracing is off:
 * no OpenTelemetry module is loaded, no span is made, no context is kept.
 */

export type SpanKind = "server" | "client" | "internal";
export type SpanAttributes = Record<string, string | number | boolean>;

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: SpanAttributes;
  /**
   * The W3C `traceparent` the span continues (a client's header, or the one stored with work that
   * another process picks up); absent: the current span is the parent. An unreadable one starts a
   * new trace.
   */
  parent?: string | null;
}

export interface TraceSpan {
  /** Runs `work` with this span as the current one: its child spans and log lines are this span's. */
  run<T>(work: () => T): T;
  setName(name: string): void;
  setAttribute(key: string, value: string | number | boolean): void;
  /** Ends the span; with `error`, as failed. */
  end(error?: unknown): void;
}

export interface Tracing {
  readonly enabled: boolean;
  start(name: string, options?: SpanOptions): TraceSpan;
  /** The current span as a W3C `traceparent`, to store with work another process will run. */
  traceparent(): string | undefined;
  /**
   * `trace_id` and `span_id` of the current span, for log lines: a new object each time, since pino
   * merges the line's own fields into it.
   */
  logFields(): Record<string, string>;
  /** Sends what is left and stops. */
  shutdown(): Promise<void>;
}

const NO_SPAN: TraceSpan = {
  run: (work) => work(),
  setName: () => {},
  setAttribute: () => {},
  end: () => {},
};

export const NO_TRACING: Tracing = {
  enabled: false,
  start: () => NO_SPAN,
  traceparent: () => undefined,
  logFields: () => ({}),
  shutdown: async () => {},
};

let active: Tracing = NO_TRACING;

/** The process's tracing (NO_TRACING until `startTracing` turned it on). */
export function tracing(): Tracing {
  return active;
}

export function useTracing(next: Tracing): void {
  active = next;
}

/** Runs `work` in a span of its own, ended (as failed if `work` throws) when `work` settles. */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: TraceSpan) => Promise<T>,
): Promise<T> {
  if (!active.enabled) return work(NO_SPAN);
  const span = active.start(name, options);
  try {
    const result = await span.run(() => work(span));
    span.end();
    return result;
  } catch (error) {
    span.end(error);
    throw error;
  }
}
