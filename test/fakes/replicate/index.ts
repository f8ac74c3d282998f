export { startFakeReplicate } from "./fake-replicate.ts";
export type {
  FakePrediction,
  FakeReplicate,
  FakeReplicateOptions,
  FaultControls,
  PredictionStatus,
  RecordedRequest,
  TrainingInputRecord,
  WebhookAttempt,
  WebhookEvent,
} from "./types.ts";
