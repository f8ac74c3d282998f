/** Provider webhooks kept for a worker: the latest one per prediction, taken once, forgotten once it cannot be used. */
import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { prediction } from "../../test/support/prediction-fixture.ts";
import { createStore } from "./index.ts";
import type { ReceivedWebhook } from "./received-webhooks-repo.ts";

const webhook = (predictionId: string, body = '{"status":"succeeded"}'): ReceivedWebhook => ({
  predictionId,
  upstreamId: "up1",
  url: `https://gengate.example.com/hooks/replicate?prediction=${predictionId}`,
  headers: { "content-type": "application/json", "webhook-id": "msg_1" },
  body,
  receivedAt: 1_760_000_000_000,
});

describeEachBackend("ReceivedWebhooksRepo", (open) => {
  it("keeps the latest webhook of a prediction, hands it to one taker, and forgets those of ended predictions", async () => {
    const store = createStore(await open());
    const running = prediction({ state: "running" });
    const ended = prediction({ state: "succeeded" });
    for (const row of [running, ended]) await store.predictions.insert(row);
    await store.receivedWebhooks.record(webhook(running.id, '{"status":"succeeded","id":"earlier work"}'));
    await store.receivedWebhooks.record(webhook(running.id));
    await store.receivedWebhooks.record(webhook(ended.id));

    expect(await store.receivedWebhooks.forgetEnded()).toBe(1);
    expect(await store.receivedWebhooks.take(ended.id)).toBeNull();
    const taken = await Promise.all([
      store.receivedWebhooks.take(running.id),
      store.receivedWebhooks.take(running.id),
    ]);
    expect(taken.filter((t) => t !== null)).toEqual([webhook(running.id)]);
  });
});
