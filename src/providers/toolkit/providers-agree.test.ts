/**
 * The three cloud providers map an upstream's status the same way, through the one table: the same
 * answer gives the same error code and HTTP status for the client, whichever upstream said it.
 * Each client is given a `fetch` that answers like its upstream.
 */
import { describe, expect, it } from "vitest";
import type { GatewayError } from "../../core/errors.ts";
import { LocalRateLimiter } from "../../core/rate-limiter.ts";
import { FalHttp } from "../fal/fal-http.ts";
import { ReplicateHttp } from "../replicate/http-client.ts";
import { RunpodClient } from "../runpod/runpod-client.ts";

const KEY = "secret-key-123";
const answering =
  (status: number): typeof fetch =>
  async () =>
    new Response(JSON.stringify({ detail: `no (${KEY})`, error: `no (${KEY})` }), {
      status,
      headers: { "content-type": "application/json", "retry-after": "4" },
    });

const CALLS: Record<string, (fetchImpl: typeof fetch) => Promise<unknown>> = {
  Replicate: (fetchImpl) =>
    new ReplicateHttp(
      "https://api.replicate.test/v1",
      KEY,
      new LocalRateLimiter().bucket("r", 6_000, 100),
      fetchImpl,
    ).request("/predictions", { what: "creating a prediction", method: "POST", json: {}, create: true }),
  RunPod: (fetchImpl) =>
    new RunpodClient("https://api.runpod.test/v2", KEY, fetchImpl).run("ep1", { input: {} }),
  fal: (fetchImpl) =>
    new FalHttp("https://queue.fal.test", KEY, fetchImpl).request("https://queue.fal.test/fal-ai/flux", {
      what: "submitting",
      method: "POST",
      json: {},
    }),
};

const TABLE = [
  // status, code, client's HTTP status, retryable
  [401, "provider_error", 502, false],
  [403, "provider_error", 502, false],
  [402, "payment_required", 402, false],
  [409, "conflict", 409, false],
  [413, "payload_too_large", 413, false],
  [429, "rate_limited", 429, true],
  [500, "provider_error", 502, true],
  [502, "provider_error", 502, true],
  [503, "provider_unavailable", 503, true],
] as const;

describe.each(Object.entries(CALLS))("%s", (name, call) => {
  it.each(TABLE)(
    "maps an upstream %i to %s (HTTP %i for the client, retryable %s)",
    async (status, code, http, retryable) => {
      const error = (await call(answering(status)).catch((e: unknown) => e)) as GatewayError;
      expect([error.code, error.status, error.retryable]).toEqual([code, http, retryable]);
      expect(error.message).toContain(name);
      expect(JSON.stringify([error.message, error.providerDetail])).not.toContain(KEY);
      if (status === 401 || status === 403) expect(error.message).toMatch(/^gengate is misconfigured/);
      if (status === 429) expect(error.retryAfterMs).toBe(4_000);
    },
  );
});
