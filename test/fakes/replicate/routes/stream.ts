/**
 * `urls.stream`: Server-Sent Events for streaming models (reference/replicate.md §4.4). No token
 * needed (the path is unguessable); a late subscriber first gets everything sent so far.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { FakeEnv, FakeState } from "../context.ts";
import { notFound } from "../problem.ts";

export function streamRoutes({ predictions, events, scheduler }: FakeState): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();

  app.get("/streams/:token", (c) => {
    const record = predictions.byStreamToken(c.req.param("token"));
    if (!record) throw notFound("stream");
    return streamSSE(c, async (stream) => {
      let wake: (() => void) | undefined;
      let stopped = false;
      const stop = () => {
        stopped = true;
        wake?.();
      };
      stream.onAbort(stop);
      const unregister = scheduler.onClose(stop);
      const unsubscribe = events.on(record.id, () => wake?.());
      try {
        for (let sent = 0; !stopped; ) {
          const event = record.streamEvents[sent];
          if (event === undefined) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            continue;
          }
          await stream.writeSSE(event);
          sent++;
          if (event.event === "done") return;
        }
      } finally {
        unsubscribe();
        unregister();
      }
    });
  });

  return app;
}
