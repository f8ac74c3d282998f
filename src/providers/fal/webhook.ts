/**
 * fal's webhooks (reference B.4): Ed25519 signatures over
 * `request_id \n user_id \n timestamp \n hex(sha256(body))`, and the result payload they carry.
 */
import { createHash, type KeyObject, verify } from "node:crypto";
import { GatewayError } from "../../core/errors.ts";
import type { ProviderWebhook, StatusResult } from "../provider.ts";
import type { SubmitMarker } from "../submit-marker.ts";
import { succeededWith } from "./outputs.ts";
import { parseFalAnswer, webhookBody } from "./responses.ts";
import { endState } from "./status.ts";
import { detailOf } from "./upstream-error.ts";
import type { WebhookKeys } from "./webhook-keys.ts";

const TOLERANCE_SECONDS = 300;
const SIGNATURE = /^[0-9a-f]{128}$/i;

function signedMessage(request: Request, rawBody: string, now: number): Buffer | null {
  const requestId = request.headers.get("x-fal-webhook-request-id");
  const userId = request.headers.get("x-fal-webhook-user-id");
  const timestamp = request.headers.get("x-fal-webhook-timestamp");
  if (!requestId || !userId || !timestamp || !/^\d+$/.test(timestamp)) return null;
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return null;
  const bodyHash = createHash("sha256").update(rawBody).digest("hex");
  return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${bodyHash}`);
}

const signedBy = (keys: KeyObject[], message: Buffer, signature: Buffer) =>
  keys.some((key) => verify(null, message, key, signature));

/**
 * `marker` reads the submit a webhook URL was marked for: fal's signature covers the body, not the
 * URL, so only a mark with gengate's token names the submit (and lets a lost submit be adopted).
 */
export function falWebhook(
  keys: WebhookKeys,
  marker: SubmitMarker,
  now: () => number = Date.now,
): ProviderWebhook {
  return {
    async verify(request, rawBody) {
      const signature = request.headers.get("x-fal-webhook-signature") ?? "";
      const message = signedMessage(request, rawBody, now());
      if (!message || !SIGNATURE.test(signature)) return false;
      const bytes = Buffer.from(signature, "hex");
      if (signedBy(await keys.current(), message, bytes)) return true;
      const refreshed = await keys.refreshed();
      return refreshed !== null && signedBy(refreshed, message, bytes);
    },

    async parse(request, rawBody) {
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new GatewayError("bad_request", "fal webhook body is not JSON");
      }
      const body = parseFalAnswer(webhookBody, json, "reading a webhook");
      const mark = marker.read(request.url);
      return {
        upstreamId: body.request_id,
        ...mark,
        update: webhookUpdate(body.status, body.payload, body.error),
      };
    },
  };
}

function webhookUpdate(
  status: "OK" | "ERROR",
  payload: unknown,
  error: string | null | undefined,
): StatusResult {
  if (status === "ERROR") {
    const errorType = (payload as { error_type?: unknown } | null)?.error_type;
    return { state: endState(errorType), error: detailOf(payload) || error || "failed at fal" };
  }
  // A payload fal could not deliver (payload_error) is fetched from the result endpoint instead.
  return payload === null || payload === undefined
    ? { state: "processing", nextPollMs: 0 }
    : succeededWith(payload);
}
