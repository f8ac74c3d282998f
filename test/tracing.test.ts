/**
 * Traces, with real processes over real HTTP: `gengate serve` exports its spans to an OTLP/HTTP
 * receiver when OTEL_EXPORTER_OTLP_ENDPOINT is set, and one trace runs from the API request through
 * the dispatch to the provider's calls, the storage writes and the webhook send, in one process
 * and across an api and a worker process over PostgreSQL (the trace context stored with the
 * prediction). Unset, no OpenTelemetry SDK module is loaded and log lines carry no trace ids.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { moduleLogEnv } from "./support/module-log-env.ts";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "./support/otlp-receiver.ts";
import { authed, type QueueCluster, startQueueCluster } from "./support/queue-cluster.ts";
import { type ServeProcess, spawnServe } from "./support/serve-process.ts";
import { until } from "./support/until.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

const PROMPT = "a lighthouse at dusk";
/** A client's own trace, which the request's span continues. */
const CLIENT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE_ID}-00f067aa0ba902b7-01`;
const SERVER = 2;
const CLIENT = 3;

const skipQueue = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

interface Run {
  predictionId: string;
  /** The pino lines the process wrote while it ran, parsed. */
  logs: Array<Record<string, unknown>>;
}

/**
 * Creates a sim image prediction (held until it ends) whose `start` webhook the receiver refuses,
 * so that the webhook send logs a warning, and returns the id and the log lines written meanwhile.
 */
async function predict(
  api: ServeProcess,
  webhooks: WebhookReceiver,
  headers: Record<string, string> = {},
  logsFrom: ServeProcess = api,
): Promise<Run> {
  const logs: Array<Record<string, unknown>> = [];
  let pending = "";
  logsFrom.child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("{")) logs.push(JSON.parse(line));
  });
  const response = await fetch(`${api.url}/v1/models/sim/image/predictions`, {
    method: "POST",
    headers: { ...authed, "content-type": "application/json", prefer: "wait", ...headers },
    body: JSON.stringify({
      input: { prompt: PROMPT, width: 64, height: 64 },
      webhook: webhooks.url,
      webhook_events_filter: ["start"],
    }),
  });
  const prediction = (await response.json()) as { id: string; status: string };
  expect(prediction.status).toBe("succeeded");
  await webhooks.waitFor(1);
  return { predictionId: prediction.id, logs };
}

/** The refused webhook's warning, once its line has come through the process's stdout. */
const loggedWarning = (logs: Array<Record<string, unknown>>) =>
  until(() => logs.find((line) => line.msg === "webhook not delivered"), 10_000);

/** The spans of one trace, by name, once `names` have all arrived. */
async function traceOf(
  receiver: OtlpReceiver,
  traceId: string,
  names: string[],
): Promise<Map<string, ReceivedSpan>> {
  for (const name of names) await receiver.waitFor((span) => span.traceId === traceId && span.name === name);
  return new Map(receiver.spans.filter((span) => span.traceId === traceId).map((span) => [span.name, span]));
}

function expectNoSecretsIn(spans: Iterable<ReceivedSpan>, predictionId: string): void {
  for (const span of spans) {
    const text = JSON.stringify([span.name, span.attributes]);
    expect(text).not.toContain(predictionId);
    expect(text).not.toContain(PROMPT);
    expect(text).not.toContain(TEST_TOKEN);
  }
}

describe("traces of one gengate serve process", () => {
  let receiver: OtlpReceiver;
  let webhooks: WebhookReceiver;
  let root: string;
  let server: ServeProcess | undefined;

  beforeAll(async () => {
    [receiver, webhooks] = await Promise.all([startOtlpReceiver(), startWebhookReceiver()]);
    webhooks.respondWith = () => 500;
    root = mkdtempSync(join(tmpdir(), "gengate-traces-"));
  });

  afterEach(async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
    server = undefined;
    webhooks.received.length = 0;
  });

  afterAll(async () => {
    await Promise.all([receiver.close(), webhooks.close()]);
    rmSync(root, { recursive: true, force: true });
  });

  /** `gengate serve` on its own SQLite data folder, noting the modules it loads in `moduleLog`. */
  async function serve(env: Record<string, string>, name: string): Promise<{ moduleLog: string }> {
    const moduleLog = join(root, `${name}.modules`);
    server = await spawnServe({
      GENGATE_DATA_DIR: join(root, name),
      GENGATE_ADMIN_TOKEN: TEST_TOKEN,
      // Long enough for the start to answer "processing", so that the status comes by a check (at zero
      // latency the start's answer carries the result, and no check runs).
      GENGATE_SIM_LATENCY: "1000",
      GENGATE_ALLOW_PRIVATE_URLS: "1",
      LOG_LEVEL: "info",
      ...moduleLogEnv(moduleLog),
      ...env,
    });
    return { moduleLog };
  }

  it("exports one trace (protobuf by default) from the request through dispatch to the provider, storage and webhook", async () => {
    const { moduleLog } = await serve(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: "gengate-one",
        OTEL_BSP_SCHEDULE_DELAY: "50",
      },
      "on",
    );
    const { predictionId, logs } = await predict(server as ServeProcess, webhooks, {
      traceparent: CLIENT_TRACEPARENT,
    });
    const spans = await traceOf(receiver, CLIENT_TRACE_ID, [
      "POST /v1/models/:owner/:name/predictions",
      "dispatch",
      "sim start",
      "check",
      "sim status",
      "storage put",
      "webhook send",
    ]);
    const request = spans.get("POST /v1/models/:owner/:name/predictions") as ReceivedSpan;
    expect(request).toMatchObject({
      kind: SERVER,
      parentSpanId: "00f067aa0ba902b7",
      service: "gengate-one",
      attributes: { "http.route": "/v1/models/:owner/:name/predictions", "http.response.status_code": 201 },
    });
    const dispatch = spans.get("dispatch") as ReceivedSpan;
    expect(dispatch.parentSpanId).toBe(request.spanId);
    expect(spans.get("sim start")).toMatchObject({
      kind: CLIENT,
      parentSpanId: dispatch.spanId,
      attributes: { "gengate.provider": "sim", "gengate.provider.operation": "start" },
    });
    const check = spans.get("check") as ReceivedSpan;
    expect(check.parentSpanId).toBe(request.spanId);
    expect(spans.get("sim status")?.parentSpanId).toBe(check.spanId);
    expect(spans.get("storage put")?.attributes).toMatchObject({
      "gengate.storage": "file",
      "gengate.storage.area": "public",
    });
    const send = spans.get("webhook send") as ReceivedSpan;
    expect(send).toMatchObject({
      kind: CLIENT,
      attributes: { "gengate.webhook.event": "start", "http.response.status_code": 500 },
    });
    expectNoSecretsIn(spans.values(), predictionId);
    expect(receiver.contentTypes).toContain("application/x-protobuf");

    // The warning the refused webhook caused was written within its send's span, and says so.
    const warning = await loggedWarning(logs);
    expect(warning).toMatchObject({ trace_id: CLIENT_TRACE_ID, span_id: send.spanId });
    expect(readFileSync(moduleLog, "utf8")).toMatch(/@opentelemetry\/sdk-trace/);
  });

  it("loads no OpenTelemetry SDK and writes no trace ids when OTEL_EXPORTER_OTLP_ENDPOINT is unset", async () => {
    const received = receiver.spans.length;
    const { moduleLog } = await serve(
      { OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "" },
      "off",
    );
    const { logs } = await predict(server as ServeProcess, webhooks, { traceparent: CLIENT_TRACEPARENT });
    const warning = await loggedWarning(logs);
    expect(warning).not.toHaveProperty("trace_id");
    const modules = readFileSync(moduleLog, "utf8");
    expect(modules).toMatch(/src\/engine\/dispatcher\.ts/);
    // Only the API package, which prom-client loads for its exemplars; no SDK, exporter, or our side of it.
    expect(modules).not.toMatch(/@opentelemetry\/(?!api\/)/);
    expect(modules).not.toMatch(/src\/tracing\/otel-/);
    expect(receiver.spans.length).toBe(received);
  });
});

describe.skipIf(skipQueue)("traces across an api and a worker process (queue mode)", () => {
  let receiver: OtlpReceiver;
  let webhooks: WebhookReceiver;
  let cluster: QueueCluster;
  let api: ServeProcess;
  let worker: ServeProcess;

  beforeAll(async () => {
    [receiver, webhooks] = await Promise.all([startOtlpReceiver(), startWebhookReceiver()]);
    webhooks.respondWith = () => 500;
    cluster = await startQueueCluster({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "50",
      GENGATE_ALLOW_PRIVATE_URLS: "1",
      GENGATE_SIM_LATENCY: "1000",
      LOG_LEVEL: "info",
    });
    [api, worker] = await Promise.all([
      cluster.spawn("api", { OTEL_SERVICE_NAME: "gengate-api" }),
      cluster.spawn("worker", { OTEL_SERVICE_NAME: "gengate-worker" }),
    ]);
  });

  afterAll(async () => {
    await cluster?.close();
    await Promise.all([receiver?.close(), webhooks?.close()]);
  });

  it("continues the API request's trace in the worker that dispatches it and calls the provider", async () => {
    const { predictionId, logs } = await predict(api, webhooks, {}, worker);
    const request = await receiver.waitFor(
      (span) => span.service === "gengate-api" && span.name === "POST /v1/models/:owner/:name/predictions",
    );
    const spans = await traceOf(receiver, request.traceId, [
      "dispatch",
      "sim start",
      "sim status",
      "webhook send",
    ]);
    const dispatch = spans.get("dispatch") as ReceivedSpan;
    expect(dispatch).toMatchObject({ service: "gengate-worker", parentSpanId: request.spanId });
    expect(spans.get("sim start")).toMatchObject({
      service: "gengate-worker",
      kind: CLIENT,
      parentSpanId: dispatch.spanId,
    });
    expect(spans.get("sim status")?.service).toBe("gengate-worker");
    expect(receiver.contentTypes).toContain("application/json");
    expectNoSecretsIn(spans.values(), predictionId);
    expect(await loggedWarning(logs)).toMatchObject({
      trace_id: request.traceId,
      span_id: spans.get("webhook send")?.spanId,
    });
  });
});
