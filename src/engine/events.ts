import { EventEmitter } from "node:events";
import type { BatchStatus } from "../core/batch.ts";
import { isTerminal, type Prediction } from "../core/prediction.ts";
import type { FinishReason, TokenUsage } from "../providers/provider.ts";
import { TokenBuffers } from "./token-buffers.ts";

/** Events on a prediction's channel (its id), or on a batch's channel (`batchChannel(id)`). */
export type PredictionEvent =
  | { type: "update"; prediction: Prediction }
  /** A streamed text token; `index` is its position in the output array. */
  | { type: "token"; index: number; data: string }
  /** The streamed text ended: why the model stopped and what it used, as its provider said. */
  | { type: "finish"; finishReason: FinishReason; usage: TokenUsage }
  /** The batch's own status changed (completed, canceled, or reopened by a retry). */
  | { type: "batch"; status: BatchStatus };

export const batchChannel = (batchId: string) => `batch:${batchId}`;

export type Unsubscribe = () => void;

/**
 * Fan-out of prediction changes to waiters and SSE streams, with the tokens streamed so far for
 * late readers. In-process here; across processes in queue mode (cluster/pg-event-bus.ts).
 */
export interface EventBus {
  publish(channel: string, event: PredictionEvent): void;
  subscribe(channel: string, listener: (event: PredictionEvent) => void): Unsubscribe;
  /** The tokens streamed so far of a prediction, when known from its first one. */
  tokensSoFar(predictionId: string): readonly string[] | undefined;
}

export class LocalEventBus implements EventBus {
  private readonly emitter = new EventEmitter();
  private readonly tokens = new TokenBuffers();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(channel: string, event: PredictionEvent): void {
    if (event.type === "token") this.tokens.record(channel, event.index, event.data);
    else if (event.type === "update" && isTerminal(event.prediction.state) && event.prediction.id === channel)
      this.tokens.end(channel);
    this.emitter.emit(channel, event);
  }

  subscribe(channel: string, listener: (event: PredictionEvent) => void): Unsubscribe {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  tokensSoFar(predictionId: string): readonly string[] | undefined {
    return this.tokens.soFar(predictionId);
  }

  /** The channels someone in this process listens to. */
  channels(): string[] {
    return this.emitter.eventNames().filter((name): name is string => typeof name === "string");
  }

  listening(channel: string): boolean {
    return this.emitter.listenerCount(channel) > 0;
  }

  /** Forgets the tokens of a prediction that ended (told by another process). */
  endTokens(predictionId: string): void {
    this.tokens.end(predictionId);
  }
}
