/**
 * Prediction and batch events for listeners in every process: this process's listeners get them
 * at once, the others by NOTIFY, which carries ids and tokens only; a listener is handed the row
 * read from the database. When messages may have been missed, every channel listened to here is
 * read again, so no waiter or stream hangs on a lost message.
 */
import { isTerminal } from "../../core/prediction.ts";
import type { Store } from "../../store/index.ts";
import { type EventBus, LocalEventBus, type PredictionEvent, type Unsubscribe } from "../events.ts";
import type { ClusterLink } from "./cluster-link.ts";
import type { ClusterMessage } from "./cluster-messages.ts";

const BATCH_PREFIX = "batch:";

export class PgEventBus implements EventBus {
  private readonly local = new LocalEventBus();
  private readonly link: ClusterLink;
  private readonly store: Store;
  /** Rows being read for listeners here, by channel and id: one read however many messages name them. */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(link: ClusterLink, store: Store) {
    this.link = link;
    this.store = store;
    link.addReceiver({ received: (message) => this.received(message), resync: () => this.resync() });
  }

  publish(channel: string, event: PredictionEvent): void {
    this.local.publish(channel, event);
    this.link.send(toMessage(channel, event));
  }

  subscribe(channel: string, listener: (event: PredictionEvent) => void): Unsubscribe {
    return this.local.subscribe(channel, listener);
  }

  tokensSoFar(predictionId: string): readonly string[] | undefined {
    return this.local.tokensSoFar(predictionId);
  }

  private received(message: ClusterMessage): void {
    switch (message.t) {
      case "t":
        this.local.publish(message.c, { type: "token", index: message.i, data: message.d });
        return;
      case "f":
        this.local.publish(message.c, { type: "finish", finishReason: message.r, usage: message.u });
        return;
      case "b":
        this.local.publish(message.c, { type: "batch", status: message.s });
        return;
      case "u":
        if (message.e === 1 && message.c === message.id) this.local.endTokens(message.id);
        if (this.local.listening(message.c)) this.readFor(message.c, message.id);
        return;
    }
  }

  /** Reads prediction `id` and hands it to `channel`'s listeners, after any read already under way. */
  private readFor(channel: string, id: string): void {
    const key = `${channel} ${id}`;
    const before = this.reading.get(key);
    const read = (async () => {
      await before;
      const prediction = await this.store.predictions.get(id);
      if (prediction) this.local.publish(channel, { type: "update", prediction });
    })()
      .catch(() => {})
      .finally(() => {
        if (this.reading.get(key) === read) this.reading.delete(key);
      });
    this.reading.set(key, read);
  }

  private resync(): void {
    for (const channel of this.local.channels()) {
      if (!channel.startsWith(BATCH_PREFIX)) {
        this.readFor(channel, channel);
        continue;
      }
      const batchId = channel.slice(BATCH_PREFIX.length);
      void this.store.batches
        .get(batchId)
        .then((batch) => batch && this.local.publish(channel, { type: "batch", status: batch.status }))
        .catch(() => {});
    }
  }
}

function toMessage(channel: string, event: PredictionEvent): ClusterMessage {
  switch (event.type) {
    case "token":
      return { t: "t", c: channel, i: event.index, d: event.data };
    case "finish":
      return { t: "f", c: channel, r: event.finishReason, u: event.usage };
    case "batch":
      return { t: "b", c: channel, s: event.status };
    case "update":
      return {
        t: "u",
        c: channel,
        id: event.prediction.id,
        ...(isTerminal(event.prediction.state) && { e: 1 as const }),
      };
  }
}
