/**
 * Spans of the work a worker does for a prediction or a webhook delivery. Their parent is the
 * traceparent stored with the row, not whatever is current, so the work continues the trace of the
 * request that made it, in this process or another; a row stored without one starts a new trace.
 */
import { inSpan, type SpanOptions, type TraceSpan } from "./tracing.ts";

export function inStoredTrace<T>(
  name: string,
  stored: { traceParent?: string },
  options: Omit<SpanOptions, "parent">,
  work: (span: TraceSpan) => Promise<T>,
): Promise<T> {
  return inSpan(name, { ...options, parent: stored.traceParent ?? null }, work);
}
