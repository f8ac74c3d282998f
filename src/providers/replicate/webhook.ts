/**
 * Inbound webhooks from Replicate: Standard Webhooks signatures checked with the account's signing
 * secret (configured, or fetched; fetched again when it was rotated), bodies mapped like a poll.
 *
 * Replays and duplicates need no memory here: a valid signature is only accepted for 5 minutes,
 * and the engine applies an update only to a running prediction and never moves its phase back,
 * so a repeated webhook changes nothing and still gets the 2xx that stops Replicate's retries.
 */
import { GatewayError } from "../../core/errors.ts";
import { verifySignature } from "../../core/webhook-signature.ts";
import type { ProviderWebhook, StatusResult } from "../provider.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { parseBody, predictionSchema, secretSchema } from "./schemas.ts";
import { toStatus } from "./status.ts";
import { trainingStatus } from "./training-status.ts";

/** How often a failed signature may fetch the secret again. */
const MIN_RENEWAL_MS = 60_000;
/** A training's own URL; its webhook URL carries `training=<id>` too (see training.ts). */
const TRAINING_URL = /\/trainings\/[^/]+$/;

export function createWebhook(
  http: ReplicateHttp,
  configuredSecret: string | undefined,
  webhookPollMs: number,
  onTraining: (update: StatusResult) => void = () => {},
): ProviderWebhook {
  let key: Promise<string> | undefined = configuredSecret
    ? Promise.resolve(configuredSecret.slice("whsec_".length))
    : undefined;
  let renewedAt = Number.NEGATIVE_INFINITY;

  const fetchKey = (): Promise<string> => {
    const previous = key;
    const fetched = http
      .request("/webhooks/default/secret", { what: "fetching the webhook signing secret" })
      .then(({ body }) =>
        parseBody(secretSchema, body, "webhooks.default.secret.get").key.slice("whsec_".length),
      );
    key = fetched;
    // A failed fetch leaves the key in hand (none: tried again with the next webhook).
    fetched.catch(() => {
      if (key === fetched) key = previous;
    });
    return fetched;
  };

  /**
   * Replicate rotates the secret: a signature that fails with the key in hand is checked again
   * with the account's current one, fetched at most once a minute (so that forged webhooks cannot
   * make gengate call Replicate more often). Another webhook's fetch meanwhile is used as it is.
   */
  const renewedKey = (stale: Promise<string>): Promise<string> | undefined => {
    if (key && key !== stale) return key;
    if (Date.now() - renewedAt < MIN_RENEWAL_MS) return undefined;
    renewedAt = Date.now();
    return fetchKey();
  };

  return {
    async verify(request, rawBody) {
      const id = request.headers.get("webhook-id");
      const timestamp = request.headers.get("webhook-timestamp");
      const signature = request.headers.get("webhook-signature");
      if (!id || !timestamp || !signature) return false;
      const signed = { id, timestamp, signature };
      const current = key ?? fetchKey();
      if (verifySignature(await current, signed, rawBody)) return true;
      const renewed = renewedKey(current);
      return renewed !== undefined && verifySignature(await renewed, signed, rawBody);
    },

    async parse(request, rawBody) {
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new GatewayError("bad_request", "webhook body is not JSON");
      }
      const prediction = parseBody(predictionSchema, json, "webhook");
      const createdAt = Date.parse(prediction.created_at ?? "") || Date.now();
      const context = { webhooked: true, createdAt, webhookPollMs };
      // The webhook URL carries gengate's id of the prediction or training (see create.ts and
      // training.ts); the engine still checks that the upstream id in the signed body is the one it
      // recorded. Trainings are stored as predictions, so both ids are prediction ids to the engine.
      const params = new URL(request.url).searchParams;
      const trainingId = params.get("training");
      const isTraining = trainingId !== null || TRAINING_URL.test(prediction.urls?.get ?? "");
      if (isTraining) {
        const update = trainingStatus(prediction, context);
        onTraining(update);
        return { upstreamId: prediction.id, ...(trainingId && { predictionId: trainingId }), update };
      }
      // The webhook does not say whether the model streams text; token lists are told apart by content.
      const update = toStatus(prediction, { ...context, textOutput: false });
      const predictionId = params.get("prediction");
      return { upstreamId: prediction.id, ...(predictionId && { predictionId }), update };
    },
  };
}
