/** FakeReplicateOptions with their defaults filled in. */
import type { FakeReplicateOptions } from "./types.ts";

export type ResolvedOptions = Omit<Required<FakeReplicateOptions>, "burst"> & {
  createsBurst: number;
  requestsBurst: number;
};

export function resolveOptions(options: FakeReplicateOptions = {}): ResolvedOptions {
  const createsPerMinute = options.createsPerMinute ?? 600;
  const requestsPerMinute = options.requestsPerMinute ?? 3000;
  const burstOf = (perMinute: number) => Math.max(1, options.burst ?? Math.floor(perMinute / 10));
  return {
    token: options.token ?? "r8_fake_test_token",
    latencyMs: options.latencyMs ?? { min: 50, max: 150 },
    bootMs: options.bootMs ?? 0,
    createsPerMinute,
    requestsPerMinute,
    createsBurst: burstOf(createsPerMinute),
    requestsBurst: burstOf(requestsPerMinute),
    loweredCreates: options.loweredCreates ?? null,
    outputTtlMs: options.outputTtlMs ?? 3_600_000,
    webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? [1000, 2000, 4000],
    trainingMs: options.trainingMs ?? 500,
  };
}
