export { startFakeReplicate } from "./fake-replicate.ts";
export type {
  FakePrediction,
  FakeReplicate,
  FakeReplicateOptions,
  FaultControls,
  PredictionStatus,
  RecordedRequest,
  WebhookAttempt,
  WebhookEvent,
} from "./types.ts";
