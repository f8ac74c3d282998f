/**
 * Outbound webhooks follow the address policy of input fetching: a plainly private URL is refused
 * at create (a 422 naming `webhook`), and a name that resolves to a private address is refused
 * when gengate connects, unless GENGATE_ALLOW_PRIVATE_URLS=1. Only loopback targets are used.
 */
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nonPublicReason } from "../src/engine/public-fetch.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

let guarded: TestGateway;
let receiver: WebhookReceiver;

beforeAll(async () => {
  guarded = await startGateway();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await guarded.close();
  await receiver.close();
});

const post = (gateway: TestGateway, path: string, body: unknown) =>
  gateway.api(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const input = { prompt: "hooked", width: 64, height: 64 };

/** The receiver's URL under this machine's own name, which resolves to loopback without saying so. */
async function byHostName(): Promise<string> {
  const { address } = await lookup(hostname(), { family: 4 });
  expect(nonPublicReason(address), `${hostname()} resolves to ${address}`).toMatch(/loopback/);
  return receiver.url.replace("127.0.0.1", hostname());
}

describe("outbound webhooks", () => {
  it("to a plainly private URL are refused at create with a 422 naming webhook", async () => {
    const trainer = (await (await guarded.api("/v1/models/sim/lora-trainer")).json()) as {
      latest_version: { id: string };
    };
    for (const webhook of [
      receiver.url,
      "http://localhost:9/hook",
      "http://[::1]:9/hook",
      "http://169.254.169.254/latest",
      "http://10.0.0.7/hook",
    ]) {
      const creates: [string, object][] = [
        ["/v1/models/sim/image/predictions", { input, webhook }],
        ["/v1/predictions", { version: "sim/image", input, webhook }],
        ["/v1/batches", { model: "sim/image", items: [{ input }], webhook }],
        [
          `/v1/models/sim/lora-trainer/versions/${trainer.latest_version.id}/trainings`,
          { destination: "sim-lora/x", input: { input_images: "https://example.com/a.zip" }, webhook },
        ],
        ["/v1/loras", { name: "hooked", zip_url: "https://example.com/a.zip", webhook }],
      ];
      for (const [path, body] of creates) {
        const response = await post(guarded, path, body);
        expect(response.status, `${path} ${webhook}`).toBe(422);
        const problem = (await response.json()) as { invalid_fields: { field: string }[] };
        expect(problem.invalid_fields.map((f) => f.field)).toEqual(["webhook"]);
      }
    }
    const counts = await guarded.store.predictions.countByState();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("to a name resolving to loopback are refused when gengate connects, and sent when allowed", async () => {
    const webhook = await byHostName();
    receiver.received.length = 0;
    const created = await post(guarded, "/v1/models/sim/image/predictions", {
      input,
      webhook,
      webhook_events_filter: ["completed"],
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const { db } = guarded.store.database;
    const attempt = await until(async () => {
      const row = await db
        .selectFrom("webhook_deliveries")
        .select(["attempts", "last_error"])
        .where("subject_id", "=", id)
        .executeTakeFirst();
      return row && row.attempts > 0 ? row : undefined;
    });
    expect(attempt.last_error ?? "delivered").toMatch(
      /is not on a public address .*GENGATE_ALLOW_PRIVATE_URLS/,
    );
    expect(receiver.received).toEqual([]);

    const allowed = await startGateway({ GENGATE_ALLOW_PRIVATE_URLS: "1" });
    try {
      await post(allowed, "/v1/models/sim/image/predictions", {
        input,
        webhook,
        webhook_events_filter: ["completed"],
      });
      const [delivery] = await receiver.waitFor(1);
      expect(JSON.parse(delivery?.body ?? "{}")).toMatchObject({ status: "succeeded" });
    } finally {
      await allowed.close();
    }
  });
});
