/**
 * Runs the fake RunPod for local use: `node test/fakes/runpod/serve.ts` (PORT, RUNPOD_API_KEY,
 * FAKE_RUNPOD_QUEUE_MS, FAKE_RUNPOD_EXECUTION_MS optional). Stops on Ctrl-C.
 */

import { startFakeRunpod } from "./fake-runpod.ts";
import { DEFAULT_ENDPOINTS } from "./options.ts";

const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const timing = { queueMs: number("FAKE_RUNPOD_QUEUE_MS"), executionMs: number("FAKE_RUNPOD_EXECUTION_MS") };
const endpoints = Object.fromEntries(
  Object.entries(DEFAULT_ENDPOINTS).map(([id, endpoint]) => [id, { ...endpoint, ...timing }]),
);
const fake = await startFakeRunpod({
  port: number("PORT") ?? 8765,
  endpoints,
  ...(process.env.RUNPOD_API_KEY && { apiKey: process.env.RUNPOD_API_KEY }),
});
process.stdout.write(
  `fake RunPod at ${fake.url} (files at ${fake.fileUrl})\n` +
    `endpoints: ${Object.keys(endpoints).join(", ")}\n` +
    `RUNPOD_BASE_URL=${fake.url} RUNPOD_API_KEY=${fake.apiKey}\n`,
);
process.once("SIGINT", () => void fake.close());
process.once("SIGTERM", () => void fake.close());
