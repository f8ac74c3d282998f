/**
 * `urls.stream`: Server-Sent Events with `output`, `logs` (the log text added since the last one),
 * `error` and `done` events. It works without a token (the official JS client sends none); the
 * prediction id is unguessable. With a token, it is the prediction's owner's (or an admin's).
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { hashApiToken } from "../../core/api-tokens.ts";
import { GatewayError } from "../../core/errors.ts";
import { isTerminal, type Prediction } from "../../core/prediction.ts";
import { toReplicateJson } from "../../core/replicate-json.ts";
import type { PredictionEvent } from "../../engine/events.ts";
import type { Store } from "../../store/index.ts";
import type { ApiDeps } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { streamDeadline } from "../stream-deadline.ts";

/** How often a stream with no news reads the prediction again. */
const DATABASE_CHECK_MS = 2_000;

import { linksOf } from "../base-url.ts";

const isTokenList = (output: unknown): output is string[] =>
  Array.isArray(output) && output.every((item) => typeof item === "string");

/**
 * Whose predictions a stream request may read: anyone's without a token (the id is the
 * capability), only its own with a token that is not an admin's.
 */
async function callerScope(store: Store, authorization: string | undefined): Promise<string | undefined> {
  const secret = /^(?:Bearer|Token)\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!secret) return undefined;
  const token = await store.tokens.authenticate(hashApiToken(secret));
  if (!token) throw new GatewayError("unauthenticated", "You did not pass a valid authentication token");
  return ownerScope(token);
}

export function predictionStreamRoutes(deps: ApiDeps): Hono {
  const { engine } = deps;
  const app = new Hono();

  app.get("/predictions/:id/stream", async (c) => {
    const id = c.req.param("id");
    const pending: PredictionEvent[] = [];
    let wakeUp: (() => void) | undefined;
    const unsubscribe = engine.subscribe(id, (event) => {
      pending.push(event);
      wakeUp?.();
    });
    let prediction: Prediction;
    try {
      prediction = await engine.get(id, await callerScope(deps.store, c.req.header("authorization")));
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const links = linksOf(c, deps);

    return streamSSE(c, async (stream) => {
      let closed = false;
      const end = () => {
        closed = true;
        wakeUp?.();
      };
      stream.onAbort(end);
      const cancelDeadline = streamDeadline(deps.config.streamMaxMs, end);
      const second = Math.floor(Date.now() / 1000);
      let seq = 0;
      let sent = 0;
      let logsSent = 0;
      const send = (event: string, data: string) =>
        stream.writeSSE({ event, data, id: `${second}:${seq++}` });
      /** The log text added since the last `logs` event. */
      const sendNewLogs = async (logs: string) => {
        if (logs.length <= logsSent) return;
        await send("logs", logs.slice(logsSent));
        logsSent = logs.length;
      };
      const sendTokensOf = async (output: unknown) => {
        if (!isTokenList(output)) return;
        for (; sent < output.length; sent++) await send("output", output[sent] ?? "");
      };
      try {
        while (!closed) {
          await sendNewLogs(prediction.logs);
          await sendTokensOf(prediction.output);
          if (isTerminal(prediction.state)) {
            if (!isTokenList(prediction.output) && prediction.output !== null) {
              await send("output", JSON.stringify(toReplicateJson(prediction, links).output));
            }
            if (prediction.state === "failed")
              await send("error", JSON.stringify({ detail: prediction.error }));
            const reason =
              prediction.state === "succeeded"
                ? {}
                : { reason: prediction.state === "failed" ? "error" : "canceled" };
            await send("done", JSON.stringify(reason));
            return;
          }
          const event = pending.shift();
          if (!event) {
            // Another process (a worker, another instance) may change it without an event here.
            const timer = setTimeout(() => wakeUp?.(), DATABASE_CHECK_MS);
            await new Promise<void>((resolve) => {
              wakeUp = resolve;
            });
            clearTimeout(timer);
            wakeUp = undefined;
            if (pending.length === 0 && !closed) prediction = await engine.get(id);
          } else if (event.type === "update") {
            prediction = event.prediction;
          } else if (event.type === "token" && event.index >= sent) {
            // Joined after the first tokens were published: catch up from the live stream.
            const missed = event.index > sent ? (engine.tokensSoFar(id) ?? []).slice(sent, event.index) : [];
            if (missed.length === event.index - sent) {
              for (const token of [...missed, event.data]) await send("output", token);
              sent = event.index + 1;
            }
          }
        }
      } finally {
        cancelDeadline();
        unsubscribe();
      }
    });
  });

  return app;
}
