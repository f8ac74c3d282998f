export { type FakeRunpod, startFakeRunpod } from "./fake-runpod.ts";
export type { FakeRunpodFaults } from "./faults.ts";
export type { FakeJobSnapshot, JobStatus } from "./jobs.ts";
export type { FakeEndpointOptions, FakeRunpodOptions, WorkerKind } from "./options.ts";
export type { RecordedRequest } from "./request-guard.ts";
export type { WebhookDelivery } from "./webhook-sender.ts";
