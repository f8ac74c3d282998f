/**
 * `GET /v1/batches/{id}/events`: Server-Sent Events of a batch's progress. On connect a `progress`
 * event and an `item` event per finished item; then, as items finish, `item` and `progress`
 * events (changes within a moment are sent together); `done` when the batch has ended.
 * The items are read once: each change after that comes with its prediction on the batch's
 * channel, so an update costs no read however big the batch. A change the stream cannot place
 * (the batch's own status, a retry's new prediction) and each quiet heartbeat read it all again,
 * which also makes up for a change another process's bus may have lost.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { Batch } from "../../core/batch.ts";
import { countItems, toBatchJson, toItemJson } from "../../core/batch-json.ts";
import { parseNameTemplate } from "../../core/name-template.ts";
import { isTerminal, type Prediction } from "../../core/prediction.ts";
import type { Engine } from "../../engine/engine.ts";
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
    const view = new BatchView();
    let changed = true;
    let wakeUp: ((heard: boolean) => void) | undefined;
    const unsubscribe = engine.subscribe(batchChannel(id), (event) => {
      if (event.type !== "update" || !view.apply(event.prediction)) view.stale = true;
      changed = true;
      wakeUp?.(true);
    });

    return streamSSE(c, async (stream) => {
      let closed = false;
      const end = () => {
        closed = true;
        wakeUp?.(true);
      };
      stream.onAbort(end);
      const cancelDeadline = streamDeadline(deps.config.streamMaxMs, end);
      const sentItems = new Set<string>();
      const send = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) });
      /** Whether a change was heard before the heartbeat came due. */
      const nextChange = () =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), HEARTBEAT_MS);
          wakeUp = (heard) => {
            clearTimeout(timer);
            resolve(heard);
          };
        });
      try {
        while (!closed) {
          changed = false;
          if (view.stale) await view.read(id, batches);
          const { batch, items } = view;
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
          if (!changed && !(await nextChange())) view.stale = true;
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

/** A batch and its items as the stream last knew them, kept current by the items' update events. */
class BatchView {
  /** Read again before the next update is sent. */
  stale = true;
  batch!: Batch;
  items: BatchItem[] = [];
  #positions = new Map<string, number>();

  async read(id: string, batches: Engine["batches"]): Promise<void> {
    this.stale = false;
    [this.batch, this.items] = await Promise.all([batches.get(id), batches.items(id)]);
    this.#positions = new Map(this.items.map((item, at) => [item.prediction.id, at]));
  }

  /** False when `prediction` is none of the items the view holds (a retry's, or before the first read). */
  apply(prediction: Prediction): boolean {
    const at = this.#positions.get(prediction.id);
    const item = at === undefined ? undefined : this.items[at];
    if (at === undefined || !item) return false;
    // An end is final: a late event of the same prediction changes nothing.
    if (!isTerminal(item.prediction.state))
      this.items[at] = { ...item, prediction: { ...item.prediction, ...prediction } };
    return true;
  }
}

function hasEnded(batch: Batch, items: readonly BatchItem[]): boolean {
  return batch.status !== "processing" && items.every((item) => isTerminal(item.prediction.state));
}
