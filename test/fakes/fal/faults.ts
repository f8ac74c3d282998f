/** Failures a test can inject into the fake fal; every field is mutable and reset() restores the defaults. */

export type FaultRoute = "submit" | "status" | "result" | "cancel" | "any";

export interface FalFaults {
  /** The next `count` queue API calls on `route` answer `status` (a burst of 5xx). */
  serverErrors: { count: number; status: number; route: FaultRoute };
  /** The next `count` submits answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimits: { count: number; retryAfterSeconds: number };
  /** The next `count` jobs submitted fail when they finish, with fal's request error shape. */
  failures: { count: number; message: string; errorType: string; httpStatus: number };
  /** The next `count` webhooks are never sent. */
  droppedWebhooks: number;
  /** Every queue API answer is delayed by this long. */
  responseDelayMs: number;
  /** The next `count` jobs' first image is flagged by the safety checker (black, `has_nsfw_concepts` true). */
  nsfw: { count: number };
}

export function defaultFaults(): FalFaults {
  return {
    serverErrors: { count: 0, status: 503, route: "any" },
    rateLimits: { count: 0, retryAfterSeconds: 1 },
    failures: { count: 0, message: "Runner crashed", errorType: "runner_server_error", httpStatus: 500 },
    droppedWebhooks: 0,
    responseDelayMs: 0,
    nsfw: { count: 0 },
  };
}

/** Takes one unit of a counted fault; true when it applies to this call. */
export function take(fault: { count: number }): boolean {
  if (fault.count <= 0) return false;
  fault.count -= 1;
  return true;
}
