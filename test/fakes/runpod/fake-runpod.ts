/**
 * A protocol-faithful fake of RunPod's serverless queue API for tests (reference A), with SDXL
 * (A1111), ComfyUI and Flux workers making real images, a vLLM worker streaming tokens (also on its
 * OpenAI-compatible route, with tool calls), webhooks,
 * retention, ttl, rate limits and injectable faults. Nothing keeps the process alive after close().
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { FakeRunpodFaults } from "./faults.ts";
import { FileOrigin } from "./file-origin.ts";
import { JobQueue } from "./job-queue.ts";
import { type FakeJobSnapshot, snapshot } from "./jobs.ts";
import { type FakeRunpodOptions, resolveOptions } from "./options.ts";
import { RateLimiter } from "./rate-limiter.ts";
import type { RecordedRequest } from "./request-guard.ts";
import { runpodRoutes } from "./routes.ts";
import { Timers } from "./timers.ts";
import { type WebhookDelivery, WebhookSender } from "./webhook-sender.ts";

export interface FakeRunpod {
  /** The API base, e.g. `http://127.0.0.1:4321/v2` (what RUNPOD_BASE_URL takes). */
  url: string;
  /** Where output files are served (a different origin, like image.runpod.ai). */
  fileUrl: string;
  apiKey: string;
  /** Every API request in order, without the key. */
  requests: RecordedRequest[];
  /** Every webhook attempt in order. */
  webhooks: WebhookDelivery[];
  jobs(): FakeJobSnapshot[];
  faults: FakeRunpodFaults;
  /** Forgets jobs, requests, webhooks, faults, rate-limit counts and files. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeRunpod(options: FakeRunpodOptions = {}): Promise<FakeRunpod> {
  const resolved = resolveOptions(options);
  const timers = new Timers();
  const faults = new FakeRunpodFaults();
  const limiter = new RateLimiter(resolved.rateWindowMs);
  const webhooks = new WebhookSender(timers, resolved.webhookRetryDelayMs);
  const files = await FileOrigin.start(resolved.host);
  const queue = new JobQueue({ options: resolved, faults, files, timers, webhooks });
  const requests: RecordedRequest[] = [];
  const app = runpodRoutes({ options: resolved, queue, faults, limiter, requests });
  const server = serve({ fetch: app.fetch, port: resolved.port, hostname: resolved.host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;

  const reset = () => {
    webhooks.reset();
    queue.reset();
    timers.clear();
    faults.clear();
    limiter.reset();
    files.reset();
    requests.length = 0;
  };
  return {
    url: `http://${resolved.host}:${port}/v2`,
    fileUrl: files.url,
    apiKey: resolved.apiKey,
    requests,
    webhooks: webhooks.deliveries,
    jobs: () => queue.all().map(snapshot),
    faults,
    reset,
    async close() {
      reset();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, files.close()]);
    },
  };
}
