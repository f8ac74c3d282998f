/**
 * A prediction's text tokens, in order: each one as its token event comes, and those the events
 * missed from the saved output. Open the feed as soon as the prediction is submitted: a token
 * published before it is only seen once the output is next saved (every 250 ms or so).
 */
import { isTerminal, type Prediction } from "../../core/prediction.ts";
import type { Engine } from "../../engine/engine.ts";
import type { PredictionEvent } from "../../engine/events.ts";
import type { FinishReason, TokenUsage } from "../../providers/provider.ts";
import { isTextOutput } from "./chat-tool-calls.ts";

/** Where following ended: the prediction as last seen, and the stream's finish part if it came. */
export interface FeedEnd {
  prediction: Prediction;
  finish?: { finishReason: FinishReason; usage: TokenUsage };
}

export interface TokenFeed {
  /**
   * Calls `onToken` with each token until the prediction ends, `onToken` answers false, or
   * `signal` aborts. Closes the feed.
   */
  follow(signal: AbortSignal, onToken: (token: string) => Promise<boolean>): Promise<FeedEnd>;
  /** Closes a feed that will not be followed. */
  close(): void;
}

export function openTokenFeed(engine: Engine, id: string): TokenFeed {
  const pending: PredictionEvent[] = [];
  let wakeUp: (() => void) | undefined;
  const unsubscribe = engine.subscribe(id, (event) => {
    pending.push(event);
    wakeUp?.();
  });

  const follow = async (signal: AbortSignal, onToken: (token: string) => Promise<boolean>) => {
    const onAbort = () => wakeUp?.();
    signal.addEventListener("abort", onAbort);
    let finish: FeedEnd["finish"];
    const end = (prediction: Prediction): FeedEnd => ({ prediction, ...(finish && { finish }) });
    try {
      let prediction = await engine.get(id);
      let sent = 0;
      const sendSaved = async (): Promise<boolean> => {
        const output = prediction.output;
        if (!isTextOutput(output)) return true;
        while (sent < output.length) {
          const item = output[sent++];
          // A model's tool calls are read from the output at the end, not as text.
          if (typeof item === "string" && !(await onToken(item))) return false;
        }
        return true;
      };
      while (!signal.aborted) {
        if (!(await sendSaved()) || isTerminal(prediction.state)) return end(prediction);
        const event = pending.shift();
        if (!event) {
          await new Promise<void>((resolve) => {
            wakeUp = resolve;
            if (signal.aborted) resolve();
          });
          wakeUp = undefined;
        } else if (event.type === "update") {
          prediction = event.prediction;
        } else if (event.type === "token" && event.index === sent) {
          sent++;
          if (!(await onToken(event.data))) return end(prediction);
        } else if (event.type === "finish") {
          finish = { finishReason: event.finishReason, usage: event.usage };
        }
      }
      return end(prediction);
    } finally {
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
    }
  };
  return { follow, close: unsubscribe };
}
