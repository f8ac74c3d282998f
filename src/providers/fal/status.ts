/** A request's state from fal's status endpoint (with logs), and its result once COMPLETED. */
import type { StatusResult } from "../provider.ts";
import type { FalHttp } from "./fal-http.ts";
import type { FalOperation } from "./operation.ts";
import { succeededWith } from "./outputs.ts";
import { parseFalAnswer, type QueueStatus, queueStatus } from "./responses.ts";
import { detailOf, upstreamError } from "./upstream-error.ts";

const MIN_POLL_MS = 250;
const MAX_POLL_MS = 5_000;

/** Poll often at first, less as the request ages. */
function pollDelayMs(ageMs: number): number {
  return Math.round(Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ageMs / 5)));
}

function queueLine(position: number | null | undefined): string {
  return position === null || position === undefined
    ? "Waiting in the fal queue\n"
    : `Waiting in the fal queue at position ${position}\n`;
}

function logText(status: QueueStatus): string {
  return (status.logs ?? []).map((log) => `${log.message}\n`).join("");
}

export async function falStatus(http: FalHttp, op: FalOperation): Promise<StatusResult> {
  const what = `reading the status of request ${op.requestId}`;
  const url = new URL(op.statusUrl);
  url.searchParams.set("logs", "1");
  const answer = await http.request(url.href, { what });
  const status = parseFalAnswer(queueStatus, answer.body, what);
  const nextPollMs = pollDelayMs(Date.now() - op.submittedAt);
  switch (status.status) {
    case "IN_QUEUE":
      return { state: "starting", logs: queueLine(status.queue_position), nextPollMs };
    case "IN_PROGRESS":
      return { state: "processing", logs: logText(status), nextPollMs };
    case "COMPLETED":
      return completed(http, op, status);
  }
}

async function completed(http: FalHttp, op: FalOperation, status: QueueStatus): Promise<StatusResult> {
  const logs = logText(status);
  const metrics =
    typeof status.metrics?.inference_time === "number"
      ? { predict_time: status.metrics.inference_time }
      : undefined;
  if (status.error) return { state: endState(status.error_type), error: status.error, logs };
  const what = `fetching the result of request ${op.requestId}`;
  const result = await http.send(op.responseUrl, { what });
  if (result.status >= 200 && result.status < 300)
    return { ...succeededWith(result.body, logs), ...(metrics && { metrics }) };
  // The request is over, so an error answer that is fal's verdict on it (a model's input check,
  // or a request error with its error_type) ends the prediction; anything else is worth retrying.
  const bodyErrorType = (result.body as { error_type?: unknown } | null)?.error_type;
  const errorType =
    result.headers.get("x-fal-error-type") ?? (typeof bodyErrorType === "string" ? bodyErrorType : null);
  if (result.status !== 422 && errorType === null)
    throw upstreamError(result.status, result.headers, result.body, what);
  return {
    state: endState(errorType),
    error: detailOf(result.body) || `fal answered ${result.status}`,
    logs,
  };
}

/** How a request that ended with an error ended: canceled by a client, else failed. */
export function endState(errorType: unknown): "failed" | "canceled" {
  return errorType === "client_cancelled" ? "canceled" : "failed";
}
