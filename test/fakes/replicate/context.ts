/** What the routes share: the fake's state and the Hono environment. */
import type { HttpBindings } from "@hono/node-server";
import type { Catalog } from "./catalog.ts";
import type { DeliveryStore } from "./delivery.ts";
import type { FaultState } from "./faults.ts";
import type { FileStore } from "./file-store.ts";
import type { InputValidator } from "./input-validation.ts";
import type { ResolvedOptions } from "./options.ts";
import type { PredictionEvents } from "./prediction-events.ts";
import type { JsonView } from "./prediction-json.ts";
import type { PredictionStore } from "./prediction-store.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { Runner } from "./runner.ts";
import type { Scheduler } from "./scheduler.ts";
import type { TrainingInputRecord } from "./training-data.ts";
import type { RecordedRequest, WebhookAttempt } from "./types.ts";

export interface FakeEnv {
  Bindings: HttpBindings;
  Variables: {
    /** Set by a handler that destroyed the connection on purpose. */
    connectionDestroyed?: boolean;
  };
}

export interface FakeState {
  options: ResolvedOptions;
  /** API base including /v1 and output-file TTL; `apiUrl` is filled in once listening. */
  view: JsonView;
  catalog: Catalog;
  predictions: PredictionStore;
  files: FileStore;
  delivery: DeliveryStore;
  events: PredictionEvents;
  scheduler: Scheduler;
  runner: Runner;
  faults: FaultState;
  limiter: RateLimiter;
  validator: InputValidator;
  requests: RecordedRequest[];
  deliveries: RecordedRequest[];
  webhookAttempts: WebhookAttempt[];
  trainingInputs: TrainingInputRecord[];
  /** Base64 HMAC key; clients see it as `whsec_<key>`. Rotated by `rotateWebhookSecret()`. */
  webhookKey: string;
}
