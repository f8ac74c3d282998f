export { type FakeFal, type FakeFalOptions, type JobSnapshot, startFakeFal } from "./fake-fal.ts";
export type { FalFaults, FaultRoute } from "./faults.ts";
export type { RecordedRequest } from "./queue-app.ts";
export type { Ed25519Jwk } from "./signer.ts";
export type { WebhookDelivery } from "./webhooks.ts";
