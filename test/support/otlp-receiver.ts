/**
 * An OTLP/HTTP trace receiver: a real HTTP server at `<url>/v1/traces` that decodes what exporters
 * send, as JSON (`http/json`) or protobuf (`http/protobuf`, decoded by protobufjs from the
 * messages of opentelemetry-proto's trace service that a test reads), and keeps the spans.
 */
import { EventEmitter, once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import protobuf from "protobufjs";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  service: string;
}

export interface OtlpReceiver {
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** The content types of the exports received, in order. */
  contentTypes: string[];
  /** Waits until a span matching `match` has arrived, and returns it. */
  waitFor(match: (span: ReceivedSpan) => boolean, timeoutMs?: number): Promise<ReceivedSpan>;
  close(): Promise<void>;
}

/** The fields of opentelemetry-proto's ExportTraceServiceRequest that tests read (same numbers). */
const TRACE_PROTO = `
syntax = "proto3";
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  repeated KeyValue attributes = 9;
}
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;
const EXPORT_REQUEST = protobuf.parse(TRACE_PROTO).root.lookupType("ExportTraceServiceRequest");

interface KeyValue {
  key: string;
  value?: { stringValue?: string; boolValue?: boolean; intValue?: number | string; doubleValue?: number };
}
interface Export {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string | Uint8Array;
        spanId: string | Uint8Array;
        parentSpanId?: string | Uint8Array;
        name: string;
        kind: number;
        attributes?: KeyValue[];
      }>;
    }>;
  }>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const arrivals = new EventEmitter();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const contentType = req.headers["content-type"] ?? "";
      contentTypes.push(contentType);
      const body = Buffer.concat(chunks);
      if (req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      spans.push(...spansOf(contentType.includes("json") ? JSON.parse(body.toString("utf8")) : decode(body)));
      arrivals.emit("spans");
      res.writeHead(200, { "content-type": contentType }).end(contentType.includes("json") ? "{}" : "");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    async waitFor(match, timeoutMs = 20_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      for (;;) {
        const found = spans.find(match);
        if (found) return found;
        await once(arrivals, "spans", { signal }).catch(() => {
          throw new Error(
            `no such span within ${timeoutMs} ms; received: ${spans.map((s) => s.name).join(", ")}`,
          );
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A protobuf export in the JSON form's names (ids stay bytes until spansOf). */
function decode(body: Buffer): Export {
  return EXPORT_REQUEST.toObject(EXPORT_REQUEST.decode(body), { longs: Number }) as Export;
}

/** An id as OTLP/JSON writes it: hex ("" for none). */
function hex(id: string | Uint8Array | undefined): string {
  return id === undefined ? "" : typeof id === "string" ? id : Buffer.from(id).toString("hex");
}

function spansOf(exported: Export): ReceivedSpan[] {
  return (exported.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)["service.name"] ?? "");
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: span.name,
        kind: span.kind,
        attributes: attributesOf(span.attributes),
        service,
      })),
    );
  });
}

function attributesOf(list: KeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(
    list.map(({ key, value = {} }) => [
      key,
      value.stringValue ??
        value.boolValue ??
        (value.intValue === undefined ? value.doubleValue : Number(value.intValue)),
    ]),
  );
}
