/**
 * RunPod's serverless queue API under `/v2/{endpoint_id}/` (reference A.2–A.7), and vLLM workers'
 * OpenAI-compatible route beside it (openai-route.ts).
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { FakeRunpodFaults } from "./faults.ts";
import type { JobQueue } from "./job-queue.ts";
import { type FakeJob, isTerminal, jobView } from "./jobs.ts";
import { openAiRoutes } from "./openai-route.ts";
import type { ResolvedOptions } from "./options.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { type FakeEnv, type RecordedRequest, requestGuard } from "./request-guard.ts";

const DAY = 86_400_000;

export interface RouteDeps {
  options: ResolvedOptions;
  queue: JobQueue;
  faults: FakeRunpodFaults;
  limiter: RateLimiter;
  requests: RecordedRequest[];
}

function submissionSchema(options: ResolvedOptions) {
  return z.looseObject({
    input: z.record(z.string(), z.unknown(), "input is required and must be an object"),
    webhook: z.url().optional(),
    policy: z
      .object({
        executionTimeout: z
          .int()
          .min(options.minExecutionTimeoutMs)
          .max(7 * DAY)
          .optional(),
        ttl: z
          .int()
          .min(options.minTtlMs)
          .max(7 * DAY)
          .default(DAY),
        lowPriority: z.boolean().default(false),
      })
      .default({ ttl: DAY, lowPriority: false }),
    s3Config: z.unknown().optional(),
  });
}

/** `?wait=` in ms, clamped to RunPod's 1 s – 300 s. */
function waitMs(value: string | undefined, fallback: number): number {
  const ms = Number(value);
  return Number.isFinite(ms) && value !== undefined ? Math.min(300_000, Math.max(1_000, ms)) : fallback;
}

export function runpodRoutes(deps: RouteDeps): Hono<FakeEnv> {
  const { queue, options } = deps;
  const app = new Hono<FakeEnv>();
  const schema = submissionSchema(options);
  app.use("/v2/*", requestGuard(deps));

  const submit = (sync: boolean) => async (c: Context<FakeEnv>) => {
    const parsed = schema.safeParse(c.get("body"));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return c.json({ error: `${issue?.path.join(".") || "body"}: ${issue?.message}` }, 400);
    }
    const endpoint = c.get("endpoint");
    const queued = queue.all().filter((j) => j.endpointId === endpoint.id && j.status === "IN_QUEUE").length;
    if (queued > 50 && queued > endpoint.workerIds.length * 500)
      return c.json({ error: "queue is full" }, 429);
    const { input, webhook, policy } = parsed.data;
    const executionTimeout = policy.executionTimeout ?? endpoint.executionTimeoutMs;
    const job = queue.submit(endpoint, { input, webhook, policy: { ...policy, executionTimeout }, sync });
    if (!sync) return c.json({ id: job.id, status: job.status });
    await queue.waitForEnd(job, waitMs(c.req.query("wait"), 90_000));
    return c.json(isTerminal(job.status) ? jobView(job) : { id: job.id, status: job.status });
  };
  app.post("/v2/:endpointId/run", submit(false));
  app.post("/v2/:endpointId/runsync", submit(true));

  const withJob =
    (handle: (job: FakeJob, c: Context<FakeEnv>) => Response | Promise<Response>) =>
    (c: Context<FakeEnv>) => {
      const job = queue.get(c.req.param("endpointId") ?? "", c.req.param("jobId") ?? "");
      return job ? handle(job, c) : c.json({ error: "request does not exist" }, 404);
    };

  app.on(
    ["GET", "POST"],
    "/v2/:endpointId/status/:jobId",
    withJob((job, c) => c.json(jobView(job))),
  );
  app.on(
    ["GET", "POST"],
    "/v2/:endpointId/status-sync/:jobId",
    withJob(async (job, c) => {
      await queue.waitForEnd(job, waitMs(c.req.query("wait"), 90_000));
      return c.json(jobView(job));
    }),
  );
  app.on(
    ["GET", "POST"],
    "/v2/:endpointId/stream/:jobId",
    withJob((job, c) => {
      const stream = job.stream.slice(job.streamSent);
      job.streamSent = job.stream.length;
      return c.json({ status: job.status, stream });
    }),
  );
  app.post(
    "/v2/:endpointId/cancel/:jobId",
    withJob((job, c) => {
      queue.cancel(job);
      return c.json({ id: job.id, status: job.status });
    }),
  );
  app.post(
    "/v2/:endpointId/retry/:jobId",
    withJob((job, c) =>
      queue.retry(job)
        ? c.json({ id: job.id, status: job.status })
        : c.json(
            { error: `job ${job.id} is ${job.status}; only FAILED or TIMED_OUT jobs can be retried` },
            400,
          ),
    ),
  );
  app.post("/v2/:endpointId/purge-queue", (c) =>
    c.json({ removed: queue.purge(c.get("endpoint").id), status: "completed" }),
  );
  app.get("/v2/:endpointId/health", (c) => {
    const endpoint = c.get("endpoint");
    const mine = queue.all().filter((job) => job.endpointId === endpoint.id);
    const count = (status: FakeJob["status"]) => mine.filter((job) => job.status === status).length;
    const running = count("IN_PROGRESS");
    const idle = endpoint.workerIds.length - running;
    return c.json({
      jobs: { ...queue.counters(endpoint.id), inProgress: running, inQueue: count("IN_QUEUE") },
      workers: { idle, initializing: 0, ready: idle, running, throttled: 0 },
    });
  });
  openAiRoutes(app, deps.faults);
  return app;
}
