/**
 * `GET /v1/batches/{id}/events`: Server-Sent Events of a batch's progress. On connect a `progress`
 * event and an `item` event per finished item; then, as items finish, `item` and `progress`
 * events (changes within a moment are sent together); `done` when the batch has ended.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { Batch } from "../../core/batch.ts";
import { countItems, toBatchJson, toItemJson } from "../../core/batch-json.ts";
import { parseNameTemplate } from "../../core/name-template.ts";
import { isTerminal } from "../../core/prediction.ts";
import { batchChannel } from "../../engine/events.ts";
import type { BatchItem } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { linksOf } from "../base-url.ts";
import { streamDeadline } from "../stream-deadline.ts";

/** Item changes this close together are sent as one update. */
const COALESCE_MS = 150;
/** Progress is repeated this often when nothing changes, which also keeps proxies from closing the stream. */
const HEARTBEAT_MS = 15_000;

export function batchEventRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const { engine } = deps;
  const app = new Hono<ApiEnv>();
  const batches = engine.batches;

  app.get("/batches/:id/events", async (c) => {
    const { id } = await batches.get(c.req.param("id"), ownerScope(c.get("token")));
    const links = linksOf(c, deps);
    let changed = true;
    let wakeUp: (() => void) | undefined;
    const unsubscribe = engine.subscribe(batchChannel(id), () => {
      changed = true;
      wakeUp?.();
    });

    return streamSSE(c, async (stream) => {
      let closed = false;
      const end = () => {
        closed = true;
        wakeUp?.();
      };
      stream.onAbort(end);
      const cancelDeadline = streamDeadline(deps.config.streamMaxMs, end);
      const sentItems = new Set<string>();
      const send = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) });
      const nextChange = () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, HEARTBEAT_MS);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      try {
        while (!closed) {
          changed = false;
          const batch = await batches.get(id);
          const items = await batches.items(id);
          const template = parseNameTemplate(batch.nameTemplate);
          const cost = engine.catalog.pricing.sum(items.map((item) => item.prediction));
          const summary = { usd: cost.usd, unpriced_items: cost.unpricedItems };
          for (const item of items) {
            if (!isTerminal(item.prediction.state) || sentItems.has(item.prediction.id)) continue;
            sentItems.add(item.prediction.id);
            await send("item", toItemJson(template, item, links));
          }
          await send("progress", { status: batch.status, counts: countItems(items), cost: summary });
          if (hasEnded(batch, items)) {
            await send("done", toBatchJson(batch, items, summary, links, false));
            return;
          }
          if (!changed) await nextChange();
          wakeUp = undefined;
          await stream.sleep(COALESCE_MS);
        }
      } finally {
        cancelDeadline();
        unsubscribe();
      }
    });
  });

  return app;
}

function hasEnded(batch: Batch, items: readonly BatchItem[]): boolean {
  return batch.status !== "processing" && items.every((item) => isTerminal(item.prediction.state));
}
