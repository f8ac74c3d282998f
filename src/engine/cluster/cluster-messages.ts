/**
 * What processes tell each other in queue mode, small enough for NOTIFY: ids and tokens, never
 * rows (a receiver that needs a row reads it from the database).
 */
import type { BatchStatus } from "../../core/batch.ts";
import type { FinishReason, TokenUsage } from "../../providers/provider.ts";
import type { WorkKind } from "../work-signals.ts";

export type ClusterMessage =
  /** Work for a worker loop. */
  | { t: "w"; k: WorkKind }
  /** Prediction `id` changed (on channel `c`: its own, or its batch's); `e`: it ended. */
  | { t: "u"; c: string; id: string; e?: 1 }
  /** Token `i` of the prediction streaming on channel `c`. */
  | { t: "t"; c: string; i: number; d: string }
  /** The stream of channel `c` ended: finish reason `r`, token usage `u`. */
  | { t: "f"; c: string; r: FinishReason; u: TokenUsage }
  /** The batch of channel `c` changed status. */
  | { t: "b"; c: string; s: BatchStatus };

/** One NOTIFY: messages from process `p`, in the order they were sent. */
export interface Envelope {
  p: string;
  m: ClusterMessage[];
}

/** `messages` as few envelopes as fit under `maxBytes` each; a message too big alone is dropped (readers recover from the database). */
export function pack(process: string, messages: readonly ClusterMessage[], maxBytes: number): string[] {
  const payloads: string[] = [];
  let batch: string[] = [];
  let size = 0;
  const head = `{"p":${JSON.stringify(process)},"m":[`;
  const flush = () => {
    if (batch.length > 0) payloads.push(`${head}${batch.join(",")}]}`);
    batch = [];
    size = head.length + 2;
  };
  flush();
  for (const message of messages) {
    const json = JSON.stringify(message);
    const bytes = Buffer.byteLength(json) + 1;
    if (head.length + 2 + bytes > maxBytes) continue;
    if (size + bytes > maxBytes) flush();
    batch.push(json);
    size += bytes;
  }
  flush();
  return payloads;
}
