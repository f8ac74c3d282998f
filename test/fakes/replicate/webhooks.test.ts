/** Signed webhooks: event filters, throttling, retries with the same id, and delivery faults. */
import { validateWebhook } from "replicate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { eventually, latestVersion, settled, useFake } from "./test-support.ts";

const ctx = useFake({ latencyMs: { min: 60, max: 80 }, webhookRetryDelaysMs: [50, 100, 150] });
let receiver: WebhookReceiver;

beforeEach(async () => {
  ctx.fake.reset();
  receiver = await startWebhookReceiver();
});
afterEach(() => receiver.close());

async function run(
  filter?: string[],
  webhook = receiver.url,
  input: Record<string, unknown> = { prompt: "hook" },
) {
  const body = { input, webhook, ...(filter && { webhook_events_filter: filter }) };
  const created = await (await ctx.api.post("/models/fake-official/flux-schnell/predictions", body)).json();
  return settled(ctx.api, `/predictions/${created.id}`);
}

const statuses = (received: { body: string }[]) => received.map(({ body }) => JSON.parse(body).status);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("webhooks", () => {
  it("are signed with the account's secret (Standard Webhooks)", async () => {
    const prediction = await run(["completed"]);
    const [hook] = await receiver.waitFor(1);
    const headers = hook?.headers as Record<string, string>;
    expect(headers["webhook-id"]).toMatch(/^msg_/);
    expect(Number(headers["webhook-timestamp"])).toBeCloseTo(Date.now() / 1000, -1);
    const { key } = await ctx.api.json<{ key: string }>("/webhooks/default/secret");
    const valid = (body: string) =>
      validateWebhook({
        id: headers["webhook-id"] ?? "",
        timestamp: headers["webhook-timestamp"] ?? "",
        signature: headers["webhook-signature"] ?? "",
        body,
        secret: key,
      });
    expect(await valid(hook?.body ?? "")).toBe(true);
    expect(await valid(`${hook?.body} `)).toBe(false);
    expect(JSON.parse(hook?.body ?? "")).toEqual(prediction);
  });

  it("by default go out for new output and completion", async () => {
    await run();
    await receiver.waitFor(2);
    await pause(100);
    expect(statuses(receiver.received)).toEqual(["processing", "succeeded"]);
    expect(JSON.parse(receiver.received[0]?.body ?? "").output).toHaveLength(1);
  });

  it("follow webhook_events_filter", async () => {
    await run(["start", "completed"]);
    await receiver.waitFor(2);
    await pause(100);
    expect(statuses(receiver.received)).toEqual(["starting", "succeeded"]);
  });

  it("send output and logs at most every 500 ms", async () => {
    const version = await latestVersion(ctx.api, "fake/llm");
    const created = await (
      await ctx.api.post("/predictions", {
        version,
        input: { prompt: "many tokens", max_tokens: 60 },
        webhook: receiver.url,
        webhook_events_filter: ["output", "logs"],
      })
    ).json();
    // 60 tokens over ~70 ms, but one intermediate webhook, then one trailing one 500 ms later.
    await settled(ctx.api, `/predictions/${created.id}`);
    await receiver.waitFor(2);
    await pause(100);
    const times = ctx.fake.webhookAttempts.map(({ at }) => at);
    expect(times).toHaveLength(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(490);
    expect(JSON.parse(receiver.received[1]?.body ?? "").output).toHaveLength(60);
  });

  it("retry the terminal webhook with the same id until it is accepted, without following redirects", async () => {
    receiver.respondWith = (attempt) => [500, 301, 200][attempt - 1] ?? 200;
    await run(["completed"]);
    await receiver.waitFor(3);
    await pause(200);
    const ids = receiver.received.map(({ headers }) => headers["webhook-id"]);
    expect(new Set(ids).size).toBe(1);
    expect(ctx.fake.webhookAttempts.map(({ status }) => status)).toEqual([500, 301, 200]);
  });

  it("give up after the configured retries when the receiver is unreachable", async () => {
    const gone = await startWebhookReceiver();
    await gone.close();
    await run(["completed"], gone.url);
    await eventually(() => expect(ctx.fake.webhookAttempts).toHaveLength(4));
    await pause(200);
    expect(ctx.fake.webhookAttempts.map(({ status }) => status)).toEqual([null, null, null, null]);
    expect(new Set(ctx.fake.webhookAttempts.map(({ webhookId }) => webhookId)).size).toBe(1);
  });

  it("can be dropped or duplicated by faults", async () => {
    ctx.fake.faults.dropWebhooks(1);
    await run(["start", "completed"]);
    await receiver.waitFor(1);
    await pause(100);
    expect(statuses(receiver.received)).toEqual(["succeeded"]);

    receiver.received.length = 0;
    ctx.fake.faults.duplicateWebhooks(1);
    await run(["start", "completed"]);
    await receiver.waitFor(3);
    await pause(100);
    expect(statuses(receiver.received)).toEqual(["starting", "starting", "succeeded"]);
    const [first, second] = receiver.received.map(({ headers }) => headers["webhook-id"]);
    expect(first).toBe(second);
  });
});
