/** When things happen to a sim operation; everything follows from its start time and latency. */
import type { SimOperation, TextOperation } from "./operation.ts";

/** When text token `index` becomes available. */
export function tokenAt(operation: TextOperation, index: number): number {
  return operation.startedAt + operation.latencyMs + index * operation.tokenIntervalMs;
}

/**
 * When the operation reaches its final state (a failing text model fails before its first token,
 * a training given a bad zip fails at once).
 */
export function finishedAt(operation: SimOperation): number {
  if (operation.kind === "training") {
    return operation.startedAt + (operation.failure === null ? operation.durationMs : 0);
  }
  if (operation.kind !== "text" || operation.failure !== null)
    return operation.startedAt + operation.latencyMs;
  return tokenAt(operation, operation.maxTokens - 1);
}

/** How many text tokens are available at `now`. */
export function tokensAvailable(operation: TextOperation, now: number): number {
  const sinceFirst = now - tokenAt(operation, 0);
  if (sinceFirst < 0) return 0;
  if (operation.tokenIntervalMs === 0) return operation.maxTokens;
  return Math.min(operation.maxTokens, Math.floor(sinceFirst / operation.tokenIntervalMs) + 1);
}
