/**
 * Turns tracing on when OTEL_EXPORTER_OTLP_ENDPOINT (or its traces-only form) is set and
 * OTEL_SDK_DISABLED is not `true`. OpenTelemetry is imported only then, so a gateway without
 * tracing never loads it.
 */
import { NO_TRACING, type Tracing, tracing, useTracing } from "./tracing.ts";

type Env = Record<string, string | undefined>;

export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * The process's tracing, made the current one; `shutdown()` sends the spans left. OpenTelemetry's
 * globals are one per process, so a second start gets the tracing already running.
 */
export async function startTracing(env: Env): Promise<Tracing> {
  if (!tracingWanted(env)) return NO_TRACING;
  if (tracing().enabled) return tracing();
  const { otelTracing } = await import("./otel-tracing.ts");
  const started = await otelTracing(env);
  const current: Tracing = {
    ...started,
    shutdown: async () => {
      useTracing(NO_TRACING);
      await started.shutdown();
    },
  };
  useTracing(current);
  return current;
}
