/**
 * The Replicate provider: runs any model reference no other provider knows on Replicate, with
 * gengate pacing creates (engine) and other requests (here) under the account's budget.
 */
import { createHash } from "node:crypto";
import { GatewayError } from "../../core/errors.ts";
import { type Provider, type ProviderDeps, SPECIFICATION_VERSION, type StartResult } from "../provider.ts";
import { checkReplicate } from "./check.ts";
import { parseReplicateConfig } from "./config.ts";
import { createPrediction, startResultOf } from "./create.ts";
import { CreateJournal } from "./create-journal.ts";
import { isTextIterator } from "./descriptor.ts";
import { findCreate } from "./find-create.ts";
import { ReplicateHttp } from "./http-client.ts";
import { ModelCatalog } from "./model-catalog.ts";
import { parseOperation, statusContext } from "./operation.ts";
import { createPlatformApi } from "./platform-api.ts";
import { requestBudget } from "./request-budget.ts";
import { parseBody, predictionSchema } from "./schemas.ts";
import { readStream } from "./sse.ts";
import { toStatus } from "./status.ts";
import { parseTarget } from "./target.ts";
import { createReplicateTraining } from "./training.ts";
import { createWebhook } from "./webhook.ts";

/** Share of the account's create limit gengate uses. */
const PACING_MARGIN = 0.99;

export function createReplicateProvider(
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): Provider | null {
  const config = parseReplicateConfig(env, deps);
  if (!config) return null;
  // One budget per account; the hash names it without revealing the token.
  const account = createHash("sha256").update(config.token).digest("hex").slice(0, 12);
  const http = new ReplicateHttp(
    config.baseUrl,
    config.token,
    requestBudget(deps.limiter, account, config.requestsPerMinute),
  );
  const catalog = new ModelCatalog(http);
  const journal = new CreateJournal(deps.journal);
  // One lookup at a time in every process using the account, so that two lost creates of
  // identical input cannot adopt the same work: the second sees the first's adoption.
  const serialize = <T>(work: () => Promise<T>): Promise<T> =>
    deps.locks.withLock(`replicate:lookups:${account}`, work);
  const training = createReplicateTraining({
    http,
    catalog,
    journal,
    defaultTrainer: config.loraTrainer,
    webhookPollMs: config.webhookPollMs,
    serialize,
  });

  const adopt = async (predictionId: string): Promise<StartResult | null> => {
    const found = await findCreate(predictionId, http, journal);
    if (!found) return null;
    await journal.recordCreated(predictionId, found.id);
    const target = (await journal.lookup(predictionId)).intents.at(-1)?.target;
    const model = target ? await catalog.forTarget(parseTarget(target)) : null;
    return startResultOf(
      found,
      {
        webhooked: Boolean(found.webhook),
        textOutput: model ? isTextIterator(model.outputSchema) : false,
        createdAt: Date.parse(found.created_at ?? "") || Date.now(),
      },
      { waited: false, webhookPollMs: config.webhookPollMs },
    );
  };

  return {
    specificationVersion: SPECIFICATION_VERSION,
    id: "replicate",
    rateLimit: {
      bucket: `replicate:${account}`,
      // A little under the account's limit, with a burst of a few seconds' worth (Replicate
      // allows short bursts): requests that leave evenly can arrive bunched, and a 429 costs a
      // round trip and a pause.
      perMinute: config.createsPerMinute * PACING_MARGIN,
      burst: Math.max(1, Math.floor(config.createsPerMinute / 20)),
      // Every answer says what is left of the account's budget, and a 429 its lowered limit.
      probe: true,
    },
    concurrency: config.concurrency,

    async listModels() {
      return [];
    },

    check() {
      return checkReplicate(http, config.baseUrl);
    },

    getModel(ref) {
      return catalog.get(ref);
    },

    start(request, ctx) {
      return createPrediction(request, ctx, {
        http,
        catalog,
        journal,
        waitSeconds: config.waitSeconds,
        webhookPollMs: config.webhookPollMs,
      });
    },

    find(predictionId) {
      return serialize(() => adopt(predictionId));
    },

    async status(operation) {
      const op = parseOperation(operation);
      if (op.kind === "training") return training.status(op);
      if (op.final) return toStatus(op.final, statusContext(op, config.webhookPollMs));
      const { body } = await http.request(`/predictions/${op.id}`, { what: "checking a prediction" });
      return toStatus(
        parseBody(predictionSchema, body, "predictions.get"),
        statusContext(op, config.webhookPollMs),
      );
    },

    async cancel(operation) {
      const op = parseOperation(operation);
      if (op.kind === "training") return training.cancel(op);
      try {
        await http.request(`/predictions/${op.id}/cancel`, {
          method: "POST",
          what: "canceling a prediction",
        });
      } catch (error) {
        // Already gone upstream: nothing left to cancel.
        if (!(error instanceof GatewayError && error.code === "not_found")) throw error;
      }
    },

    stream(operation, ctx) {
      const op = parseOperation(operation);
      if (!op.streamUrl) {
        const what = op.kind === "training" ? "training" : "prediction";
        throw new GatewayError("bad_request", `this Replicate ${what} has no stream`, {
          retryable: false,
        });
      }
      return readStream(op.streamUrl, http.authFor(op.streamUrl), ctx.signal);
    },

    training: {
      defaultTrainer: training.defaultTrainer,
      trainingSchema: training.trainingSchema,
      checkDestination: training.checkDestination,
      createModel: training.createModel,
      uploadTrainingData: training.uploadTrainingData,
      startTraining: training.startTraining,
      findTraining: training.findTraining,
    },

    platform: createPlatformApi(http),

    webhook: createWebhook(http, config.webhookSecret, config.webhookPollMs, training.noteStatus),
  };
}
