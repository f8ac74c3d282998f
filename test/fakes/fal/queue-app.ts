/** The fake `https://queue.fal.run`: submit, status (with logs), result and cancel (reference B.1, B.2). */
import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type FalFaults, type FaultRoute, take } from "./faults.ts";
import { checkInput } from "./input-check.ts";
import type { FalImageOutput } from "./job-output.ts";
import { type FakeJob, failureOf, logsAt, queuePosition, statusAt } from "./jobs.ts";

export interface RecordedRequest {
  /** When it arrived (epoch ms). */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names; the key in `authorization` is redacted. */
  headers: Record<string, string>;
  body: unknown;
}

export interface QueueState {
  key: string;
  queueUrl(): string;
  jobs: Map<string, FakeJob>;
  faults: FalFaults;
  timing: { queueMs: number; runMs: number };
  requests: RecordedRequest[];
  output(job: FakeJob): Promise<FalImageOutput>;
  /** Called when a job's end moves (submit, cancel). */
  onScheduled(job: FakeJob): void;
}

const json = (c: Context, body: unknown, status: number) => c.json(body, status as ContentfulStatusCode);

function redacted(headers: Headers): Record<string, string> {
  const out = Object.fromEntries(headers.entries());
  if (out.authorization) out.authorization = out.authorization.replace(/^(\S+\s+).*/, "$1[redacted]");
  return out;
}

function routeOf(method: string, path: string): FaultRoute {
  if (method === "POST") return "submit";
  if (method === "PUT") return "cancel";
  return path.endsWith("/status") ? "status" : "result";
}

function parseBody(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

export function createQueueApp(state: QueueState): Hono {
  const app = new Hono();
  const urls = (job: FakeJob) => {
    const response_url = `${state.queueUrl()}/${job.base}/requests/${job.requestId}`;
    return { response_url, status_url: `${response_url}/status`, cancel_url: `${response_url}/cancel` };
  };
  const findJob = (c: Context) => {
    const job = state.jobs.get(c.req.param("id") ?? "");
    return job && job.base === `${c.req.param("owner")}/${c.req.param("alias")}` ? job : undefined;
  };

  app.use(async (c, next) => {
    const text = await c.req.raw.clone().text();
    state.requests.push({
      at: Date.now(),
      method: c.req.method,
      path: c.req.path,
      query: c.req.query(),
      headers: redacted(c.req.raw.headers),
      body: parseBody(text),
    });
    const { faults } = state;
    if (faults.responseDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, faults.responseDelayMs));
    if (c.req.header("authorization") !== `Key ${state.key}`)
      return json(c, { detail: "Invalid or missing 'Authorization: Key <key>' header" }, 401);
    const { serverErrors } = faults;
    const route = routeOf(c.req.method, c.req.path);
    if ((serverErrors.route === "any" || serverErrors.route === route) && take(serverErrors))
      return json(c, { detail: "Service temporarily unavailable" }, serverErrors.status);
    await next();
  });

  const submit = async (c: Context) => {
    const { rateLimits, failures } = state.faults;
    if (take(rateLimits)) {
      c.header("Retry-After", String(rateLimits.retryAfterSeconds));
      return json(c, { detail: "Rate limit exceeded" }, 429);
    }
    const input = parseBody(await c.req.text());
    if (typeof input !== "object" || input === null || Array.isArray(input))
      return json(
        c,
        { detail: [{ loc: ["body"], msg: "value is not a valid dict", type: "type_error.dict" }] },
        422,
      );
    const now = Date.now();
    const owner = c.req.param("owner");
    const alias = c.req.param("alias");
    const requestId = randomUUID();
    const job: FakeJob = {
      requestId,
      app: c.req.path.slice(1),
      base: `${owner}/${alias}`,
      input: input as Record<string, unknown>,
      webhookUrl: c.req.query("fal_webhook") ?? null,
      submittedAt: now,
      startsAt: now + state.timing.queueMs,
      endsAt: now + state.timing.queueMs + state.timing.runMs,
      canceledAt: null,
      failure: take(failures)
        ? { message: failures.message, errorType: failures.errorType, httpStatus: failures.httpStatus }
        : null,
      invalid: checkInput(input as Record<string, unknown>),
    };
    state.jobs.set(requestId, job);
    state.onScheduled(job);
    c.header("x-fal-request-id", requestId);
    return json(
      c,
      {
        status: "IN_QUEUE",
        request_id: requestId,
        gateway_request_id: requestId,
        ...urls(job),
        queue_position: queuePosition(job, state.jobs.values(), now),
      },
      200,
    );
  };
  app.post("/:owner/:alias", submit);
  app.post("/:owner/:alias/*", submit);

  app.get("/:owner/:alias/requests/:id/status", (c) => {
    const job = findJob(c);
    if (!job) return json(c, { detail: "Request not found" }, 404);
    const now = Date.now();
    const status = statusAt(job, now);
    const logs = c.req.query("logs") === "1" ? logsAt(job, now) : null;
    const common = { status, request_id: job.requestId, ...urls(job) };
    if (status === "IN_QUEUE")
      return json(c, { ...common, queue_position: queuePosition(job, state.jobs.values(), now) }, 202);
    if (status === "IN_PROGRESS") return json(c, { ...common, logs }, 202);
    const failure = failureOf(job);
    const inference_time = failure ? null : (job.endsAt - job.startsAt) / 1000;
    return json(
      c,
      {
        ...common,
        logs,
        metrics: { inference_time },
        ...(failure && { error: failure.message, error_type: failure.errorType }),
      },
      200,
    );
  });

  app.get("/:owner/:alias/requests/:id", async (c) => {
    const job = findJob(c);
    if (!job) return json(c, { detail: "Request not found" }, 404);
    if (statusAt(job, Date.now()) !== "COMPLETED")
      return json(c, { detail: "Request is still in progress" }, 400);
    c.header("x-fal-request-id", job.requestId);
    const failure = failureOf(job);
    if (failure) {
      c.header("X-Fal-Error-Type", failure.errorType);
      return json(c, { detail: failure.message, error_type: failure.errorType }, failure.httpStatus);
    }
    if (job.invalid.length > 0) return json(c, { detail: job.invalid }, 422);
    return json(c, await state.output(job), 200);
  });

  app.put("/:owner/:alias/requests/:id/cancel", (c) => {
    const job = findJob(c);
    if (!job) return json(c, { status: "NOT_FOUND" }, 404);
    const now = Date.now();
    if (statusAt(job, now) === "COMPLETED") return json(c, { status: "ALREADY_COMPLETED" }, 400);
    job.canceledAt = now;
    state.onScheduled(job);
    return json(c, { status: "CANCELLATION_REQUESTED" }, 202);
  });

  app.notFound((c) => json(c, { detail: "Not Found" }, 404));
  return app;
}
