/**
 * The facade over OpenTelemetry, loaded (with the SDK) only when tracing is on. Spans are exported
 * in batches over OTLP/HTTP; the current span follows async work through AsyncLocalStorage; trace
 * context crosses processes as a W3C `traceparent`.
 */
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { batchProcessor, otlpExporter } from "./otel-exporter.ts";
import { samplerOf } from "./otel-sampler.ts";
import type { SpanOptions, TraceSpan, Tracing } from "./tracing.ts";

type Env = Record<string, string | undefined>;

const KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL } as const;

export async function otelTracing(env: Env): Promise<Tracing> {
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over gengate's own name.
  const resource = resourceFromAttributes({ "service.name": "gengate" }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new TracerProvider({
    resource,
    sampler: samplerOf(env),
    spanProcessors: [batchProcessor(await otlpExporter(env), env)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer("gengate");

  const parentOf = (traceparent: string | null | undefined): Context =>
    traceparent === undefined
      ? context.active()
      : propagation.extract(ROOT_CONTEXT, traceparent ? { traceparent } : {});

  return {
    enabled: true,
    start(name: string, options: SpanOptions = {}): TraceSpan {
      const parent = parentOf(options.parent);
      const span = tracer.startSpan(
        name,
        {
          kind: KINDS[options.kind ?? "internal"],
          ...(options.attributes && { attributes: options.attributes }),
        },
        parent,
      );
      return spanHandle(span, trace.setSpan(parent, span));
    },
    traceparent() {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return carrier.traceparent;
    },
    logFields(): Record<string, string> {
      const spanContext = trace.getActiveSpan()?.spanContext();
      return spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
    },
    async shutdown() {
      await provider.shutdown();
      contextManager.disable();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

function spanHandle(span: Span, within: Context): TraceSpan {
  return {
    run: (work) => context.with(within, work),
    setName: (name) => span.updateName(name),
    setAttribute: (key, value) => span.setAttribute(key, value),
    end(error) {
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      }
      span.end();
    },
  };
}
