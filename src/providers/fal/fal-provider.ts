/**
 * fal's queue API (reference B) as a gengate provider: configured apps become models `fal/<name>`,
 * work is a queued request followed by polling its status and by fal's signed webhooks.
 */

import { findModel } from "../model-lookup.ts";
import {
  type Provider,
  type ProviderDeps,
  perMinuteBudget,
  SPECIFICATION_VERSION,
  type StartResult,
} from "../provider.ts";
import { SubmitMarker } from "../submit-marker.ts";
import { checkFal } from "./check.ts";
import { parseFalConfig } from "./config.ts";
import { FalHttp } from "./fal-http.ts";
import { describeApp } from "./models.ts";
import { type FalOperation, parseFalOperation, requestUrl } from "./operation.ts";
import { toFalInput } from "./parameters.ts";
import { parseFalAnswer, submitAnswer } from "./responses.ts";
import { falStatus } from "./status.ts";
import { upstreamError } from "./upstream-error.ts";
import { falWebhook } from "./webhook.ts";
import { WebhookKeys } from "./webhook-keys.ts";

export function createFalProvider(
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): Provider | null {
  const config = parseFalConfig(env, deps.settings, deps.configFile);
  if (!config) {
    if (deps.settings !== undefined)
      deps.logger.warn({}, "providers.fal is configured but FAL_KEY is not set");
    return null;
  }
  const http = new FalHttp(config.queueUrl, config.key);
  const models = config.apps.map(describeApp);
  const keys = new WebhookKeys(
    config.webhookKeys ? { keys: config.webhookKeys } : { jwksUrl: config.jwksUrl },
  );
  const marker = new SubmitMarker(config.key, "fal");
  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: "fal",
    rateLimit: perMinuteBudget("fal", config.perMinute),
    concurrency: config.concurrency,

    async listModels() {
      return [...models];
    },

    check() {
      return checkFal(config, http, keys);
    },

    async getModel(ref) {
      return findModel(models, ref);
    },

    inputWarnings(_app, input) {
      return toFalInput(input).warnings;
    },

    async start(request): Promise<StartResult> {
      const submitUrl = new URL(`${config.queueUrl}/${request.providerModel}`);
      if (request.webhookUrl)
        submitUrl.searchParams.set("fal_webhook", marker.mark(request.webhookUrl, request));
      const what = `submitting to ${request.providerModel}`;
      const answer = await http.request(submitUrl.href, {
        method: "POST",
        json: toFalInput(request.input).input,
        what,
        start: true,
      });
      const submitted = parseFalAnswer(submitAnswer, answer.body, what);
      const operation: FalOperation = {
        provider: "fal",
        app: request.providerModel,
        requestId: submitted.request_id,
        statusUrl: submitted.status_url,
        responseUrl: submitted.response_url,
        cancelUrl: submitted.cancel_url,
        submittedAt: Date.now(),
      };
      return { upstreamId: submitted.request_id, operation };
    },

    // No find: fal's queue API cannot list requests or find one by a client-chosen marker (no
    // idempotency key, no metadata; reference B.1, B.5). A submit whose answer was lost is
    // adopted when fal's signed webhook, through the URL marked for that submit, names it.
    async adopt(request, requestId) {
      const responseUrl = requestUrl(config.queueUrl, request.providerModel, requestId);
      const operation: FalOperation = {
        provider: "fal",
        app: request.providerModel,
        requestId,
        statusUrl: `${responseUrl}/status`,
        responseUrl,
        cancelUrl: `${responseUrl}/cancel`,
        submittedAt: Date.now(),
      };
      return { upstreamId: requestId, operation };
    },

    async status(operation) {
      return falStatus(http, parseFalOperation(operation));
    },

    async cancel(operation) {
      const op = parseFalOperation(operation);
      const what = `canceling request ${op.requestId}`;
      const answer = await http.send(op.cancelUrl, { method: "PUT", what });
      // ALREADY_COMPLETED (400) and NOT_FOUND (404) leave nothing to cancel.
      const said = (answer.body as { status?: unknown } | null)?.status;
      if (
        (answer.status >= 200 && answer.status < 300) ||
        said === "ALREADY_COMPLETED" ||
        answer.status === 404
      )
        return;
      throw upstreamError(answer.status, answer.headers, answer.body, what);
    },

    webhook: falWebhook(keys, marker),
  };
}
