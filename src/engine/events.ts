import { EventEmitter } from "node:events";
import type { BatchStatus } from "../core/batch.ts";
import type { Prediction } from "../core/prediction.ts";

/** Events on a prediction's channel (its id), or on a batch's channel (`batchChannel(id)`). */
export type PredictionEvent =
  | { type: "update"; prediction: Prediction }
  /** A streamed text token; `index` is its position in the output array. */
  | { type: "token"; index: number; data: string }
  /** The batch's own status changed (completed, canceled, or reopened by a retry). */
  | { type: "batch"; status: BatchStatus };

export const batchChannel = (batchId: string) => `batch:${batchId}`;

export type Unsubscribe = () => void;

/** Fan-out of prediction changes to waiters and SSE streams. In-process; Redis in distributed mode. */
export interface EventBus {
  publish(predictionId: string, event: PredictionEvent): void;
  subscribe(predictionId: string, listener: (event: PredictionEvent) => void): Unsubscribe;
}

export class LocalEventBus implements EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(predictionId: string, event: PredictionEvent): void {
    this.emitter.emit(predictionId, event);
  }

  subscribe(predictionId: string, listener: (event: PredictionEvent) => void): Unsubscribe {
    this.emitter.on(predictionId, listener);
    return () => this.emitter.off(predictionId, listener);
  }
}
