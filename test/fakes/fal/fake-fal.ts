/**
 * A protocol-faithful fake of fal's queue API (reference B) for tests: the queue origin
 * (stands for https://queue.fal.run), a file origin for outputs (like fal's CDN) and a JWKS
 * origin for webhook keys. Nothing here keeps the process alive after close().
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Hono } from "hono";
import { defaultFaults, type FalFaults, take } from "./faults.ts";
import { type FalImageOutput, renderOutput, type StoredFile } from "./job-output.ts";
import { endOf, type FakeJob, type FalStatus, failureOf, statusAt } from "./jobs.ts";
import { type Listening, listen } from "./listen.ts";
import { createQueueApp, type RecordedRequest } from "./queue-app.ts";
import { createWebhookSigner } from "./signer.ts";
import { type WebhookDelivery, WebhookSender } from "./webhooks.ts";

export interface FakeFalOptions {
  key?: string;
  /** Time each job waits in the queue, then runs (changeable later through `timing`). */
  queueMs?: number;
  runMs?: number;
  /** Port of the queue origin; a free one by default. */
  port?: number;
}

export interface JobSnapshot {
  requestId: string;
  app: string;
  input: Record<string, unknown>;
  webhookUrl: string | null;
  status: FalStatus;
  canceled: boolean;
}

export interface FakeFal {
  queueUrl: string;
  filesUrl: string;
  jwksUrl: string;
  key: string;
  /** The account id fal puts in webhook signatures. */
  userId: string;
  /** Every queue API request, in order, with the key redacted. */
  requests: RecordedRequest[];
  /** Submit requests only. */
  submits(): RecordedRequest[];
  jobs(): JobSnapshot[];
  webhooks: WebhookDelivery[];
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  timing: { queueMs: number; runMs: number };
  faults: FalFaults;
  /** Signature headers as fal would send them (for tests that forge or replay webhooks). */
  signWebhook(requestId: string, body: string, timestampSeconds?: number): Record<string, string>;
  /** Signs with a new key from now on (the JWKS lists both). */
  rotateWebhookKey(): void;
  /** Deletes every output file, as fal's CDN does when files expire. */
  deleteFiles(): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeFal(options: FakeFalOptions = {}): Promise<FakeFal> {
  const key = options.key ?? `${randomUUID()}:${randomBytes(16).toString("hex")}`;
  const userId = `fake-user-${randomBytes(4).toString("hex")}`;
  const initialTiming = { queueMs: options.queueMs ?? 100, runMs: options.runMs ?? 200 };
  const timing = { ...initialTiming };
  const faults = defaultFaults();
  const jobs = new Map<string, FakeJob>();
  const requests: RecordedRequest[] = [];
  const files = new Map<string, StoredFile>();
  const outputs = new Map<string, Promise<FalImageOutput>>();
  const signer = createWebhookSigner(userId);
  let jwksFetches = 0;
  let queue: Listening | undefined;

  const filesApp = new Hono();
  filesApp.get("/files/*", (c) => {
    const file = files.get(c.req.path);
    if (!file) return c.json({ detail: "File not found" }, 404);
    return c.body(new Uint8Array(file.data), 200, { "content-type": file.contentType });
  });
  const filesServer = await listen(filesApp);

  const jwksApp = new Hono();
  jwksApp.get("/.well-known/jwks.json", (c) => {
    jwksFetches += 1;
    return c.json(signer.jwks());
  });
  const jwksServer = await listen(jwksApp);

  const output = (job: FakeJob) => {
    let rendered = outputs.get(job.requestId);
    if (!rendered) {
      rendered = renderOutput(job, filesServer.url, files, take(faults.nsfw));
      outputs.set(job.requestId, rendered);
    }
    return rendered;
  };

  const webhookBody = async (job: FakeJob): Promise<object> => {
    const ids = { request_id: job.requestId, gateway_request_id: job.requestId };
    const failure = failureOf(job);
    if (failure)
      return {
        ...ids,
        status: "ERROR",
        error: `Invalid status code: ${failure.httpStatus}`,
        payload: { detail: failure.message, error_type: failure.errorType },
      };
    if (job.invalid.length > 0)
      return { ...ids, status: "ERROR", error: "Invalid status code: 422", payload: { detail: job.invalid } };
    return { ...ids, status: "OK", payload: await output(job) };
  };
  const webhooks = new WebhookSender(signer, faults, webhookBody);

  queue = await listen(
    createQueueApp({
      key,
      queueUrl: () => queue?.url ?? "",
      jobs,
      faults,
      timing,
      requests,
      output,
      onScheduled: (job) => webhooks.schedule(job, endOf(job)),
    }),
    options.port,
  );

  return {
    queueUrl: queue.url,
    filesUrl: filesServer.url,
    jwksUrl: `${jwksServer.url}/.well-known/jwks.json`,
    key,
    userId,
    requests,
    submits: () => requests.filter((request) => request.method === "POST"),
    jobs: () =>
      [...jobs.values()].map((job) => ({
        requestId: job.requestId,
        app: job.app,
        input: job.input,
        webhookUrl: job.webhookUrl,
        status: statusAt(job, Date.now()),
        canceled: job.canceledAt !== null,
      })),
    webhooks: webhooks.deliveries,
    jwksFetches: () => jwksFetches,
    timing,
    faults,
    signWebhook: (requestId, body, timestampSeconds = Math.floor(Date.now() / 1000)) =>
      signer.headers(requestId, body, timestampSeconds),
    rotateWebhookKey: () => signer.rotate(),
    deleteFiles: () => files.clear(),
    reset() {
      webhooks.clear();
      jobs.clear();
      outputs.clear();
      files.clear();
      requests.length = 0;
      jwksFetches = 0;
      Object.assign(faults, defaultFaults());
      Object.assign(timing, initialTiming);
    },
    async close() {
      webhooks.close();
      await Promise.all([queue?.close(), filesServer.close(), jwksServer.close()]);
    },
  };
}
