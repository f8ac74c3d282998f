/**
 * The OTLP/HTTP exporter and batching that OTEL_* variables choose. The exporter reads the endpoint,
 * headers, timeout and compression variables itself; OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL picks
 * protobuf (the default, as the specification says) or JSON, and OTEL_BSP_* tune the batches.
 */
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { ConfigError } from "../core/env-config.ts";

type Env = Record<string, string | undefined>;

const PROTOCOLS = ["http/protobuf", "http/json"] as const;

export async function otlpExporter(env: Env): Promise<SpanExporter> {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
    ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
    : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const protocol = env[variable] || "http/protobuf";
  if (protocol === "http/json") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    return new OTLPTraceExporter();
  }
  if (protocol === "http/protobuf") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
    return new OTLPTraceExporter();
  }
  throw new ConfigError(`${variable}: "${protocol}" is not supported; use ${PROTOCOLS.join(" or ")}`);
}

const BATCH_SETTINGS = {
  scheduledDelayMillis: "OTEL_BSP_SCHEDULE_DELAY",
  exportTimeoutMillis: "OTEL_BSP_EXPORT_TIMEOUT",
  maxQueueSize: "OTEL_BSP_MAX_QUEUE_SIZE",
  maxExportBatchSize: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
} as const;

export function batchProcessor(exporter: SpanExporter, env: Env): SpanProcessor {
  const settings: Partial<Record<keyof typeof BATCH_SETTINGS, number>> = {};
  for (const [option, variable] of Object.entries(BATCH_SETTINGS)) {
    const value = positive(env, variable);
    if (value !== undefined) settings[option as keyof typeof BATCH_SETTINGS] = value;
  }
  return new BatchSpanProcessor({ exporter, ...settings });
}

function positive(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (Number.isInteger(value) && value > 0) return value;
  throw new ConfigError(`${name}: "${text}" is not a positive whole number`);
}
