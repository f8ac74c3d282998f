/**
 * The `webhook` field of create requests: an http(s) URL, and not a plainly private one (an IP
 * literal outside public unicast, or `localhost`) unless GENGATE_ALLOW_PRIVATE_URLS=1. Names that
 * resolve to private addresses are refused again at every delivery, when gengate connects.
 */
import { z } from "zod";
import { GatewayError } from "../core/errors.ts";
import { plainlyPrivateReason } from "../engine/public-fetch.ts";

export const webhookUrlSchema = z.url({ protocol: /^https?$/, error: "webhook must be an http(s) URL" });

/** A 422 naming `webhook` when `url` is plainly private and private URLs are not allowed. */
export function checkWebhookUrl(url: string | undefined, allowPrivate: boolean): void {
  if (url === undefined || allowPrivate) return;
  const reason = plainlyPrivateReason(new URL(url));
  if (reason === undefined) return;
  const description = `webhook must be on a public address (${reason}); set GENGATE_ALLOW_PRIVATE_URLS=1 to allow it`;
  throw new GatewayError("invalid_input", description, {
    invalidFields: [{ type: "format", field: "webhook", description }],
  });
}
