/** A queued prediction row for store tests, with any fields overridden. */
import { newId } from "../../src/core/ids.ts";
import type { Prediction } from "../../src/core/prediction.ts";

export const NOW = 1_760_000_000_123;

export function prediction(overrides: Partial<Prediction> = {}): Prediction {
  return {
    id: newId(),
    model: "black-forest-labs/flux-schnell",
    version: "v1",
    provider: "sim",
    providerModel: "flux-schnell",
    input: { prompt: "a cat", steps: 4, nested: { list: [1, "two", null] } },
    output: null,
    logs: "",
    error: null,
    state: "queued",
    upstreamPhase: null,
    operation: null,
    attempts: 0,
    webhook: null,
    webhookEventsFilter: null,
    tokenId: null,
    createdAt: NOW,
    startedAt: null,
    completedAt: null,
    nextCheckAt: NOW,
    deadlineAt: null,
    cancelRequestedAt: null,
    metrics: {},
    streaming: false,
    priority: 0,
    ...overrides,
  };
}
