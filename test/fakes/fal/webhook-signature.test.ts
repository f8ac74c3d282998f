/**
 * The fake's webhooks, checked with an implementation of reference B.4 written from the recipe
 * alone (WebCrypto), independent of the fake's signer and of gengate's verifier.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import { type FakeFal, startFakeFal } from "./fake-fal.ts";

let fake: FakeFal;
let receiver: WebhookReceiver;

beforeAll(async () => {
  fake = await startFakeFal({ queueMs: 20, runMs: 40 });
  receiver = await startWebhookReceiver();
});

beforeEach(() => {
  fake.reset();
  receiver.received.length = 0;
  receiver.respondWith = () => 200;
});

afterAll(async () => {
  await fake.close();
  await receiver.close();
});

const hex = (bytes: ArrayBuffer) => Buffer.from(bytes).toString("hex");

/** Reference B.4 steps 1-5, with WebCrypto. */
async function verifyFalWebhook(
  headers: Record<string, string>,
  body: string,
  jwksUrl: string,
): Promise<boolean> {
  const requestId = headers["x-fal-webhook-request-id"];
  const userId = headers["x-fal-webhook-user-id"];
  const timestamp = headers["x-fal-webhook-timestamp"];
  const signature = headers["x-fal-webhook-signature"];
  if (!requestId || !userId || !timestamp || !signature) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const bodyHash = hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  const message = new TextEncoder().encode(`${requestId}\n${userId}\n${timestamp}\n${bodyHash}`);
  const { keys } = (await (await fetch(jwksUrl)).json()) as { keys: JsonWebKey[] };
  for (const jwk of keys) {
    const key = await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["verify"]);
    if (await crypto.subtle.verify("Ed25519", key, Buffer.from(signature, "hex"), message)) return true;
  }
  return false;
}

async function submit(input: Record<string, unknown>): Promise<string> {
  const response = await fetch(
    `${fake.queueUrl}/fal-ai/flux/dev?fal_webhook=${encodeURIComponent(receiver.url)}`,
    {
      method: "POST",
      headers: { authorization: `Key ${fake.key}` },
      body: JSON.stringify(input),
    },
  );
  return ((await response.json()) as { request_id: string }).request_id;
}

const headersOf = (index: number) => receiver.received[index]?.headers as Record<string, string>;

describe("fake fal webhooks", () => {
  it("publishes Ed25519 keys as a JWKS", async () => {
    const jwks = await (await fetch(fake.jwksUrl)).json();
    expect(jwks).toEqual({ keys: [{ kty: "OKP", crv: "Ed25519", x: expect.stringMatching(/^[\w-]{43}$/) }] });
  });

  it("signs the result webhook as the reference describes", async () => {
    const requestId = await submit({ prompt: "hook", image_size: { width: 32, height: 32 } });
    const [hook] = await receiver.waitFor(1);
    const body = JSON.parse(hook?.body ?? "{}");
    expect(body).toMatchObject({ request_id: requestId, gateway_request_id: requestId, status: "OK" });
    expect(body.payload.images[0]).toMatchObject({ width: 32, height: 32, content_type: "image/jpeg" });
    expect(headersOf(0)["x-fal-webhook-request-id"]).toBe(requestId);
    expect(headersOf(0)["x-fal-webhook-user-id"]).toBe(fake.userId);
    expect(await verifyFalWebhook(headersOf(0), hook?.body ?? "", fake.jwksUrl)).toBe(true);
    expect(await verifyFalWebhook(headersOf(0), `${hook?.body} `, fake.jwksUrl)).toBe(false);
    const stale = fake.signWebhook(requestId, hook?.body ?? "", Math.floor(Date.now() / 1000) - 301);
    expect(await verifyFalWebhook(stale, hook?.body ?? "", fake.jwksUrl)).toBe(false);
  });

  it("signs with a rotated key that the JWKS lists", async () => {
    fake.rotateWebhookKey();
    await submit({ prompt: "rotated" });
    const [hook] = await receiver.waitFor(1);
    expect(await verifyFalWebhook(headersOf(0), hook?.body ?? "", fake.jwksUrl)).toBe(true);
  });

  it("reports failures with status ERROR, retries refused deliveries and can drop webhooks", async () => {
    fake.faults.failures = {
      count: 1,
      message: "CUDA out of memory",
      errorType: "runner_server_error",
      httpStatus: 500,
    };
    receiver.respondWith = (attempt) => (attempt === 1 ? 500 : 200);
    const requestId = await submit({ prompt: "x" });
    const hooks = await receiver.waitFor(2);
    expect(JSON.parse(hooks[1]?.body ?? "{}")).toEqual({
      request_id: requestId,
      gateway_request_id: requestId,
      status: "ERROR",
      error: "Invalid status code: 500",
      payload: { detail: "CUDA out of memory", error_type: "runner_server_error" },
    });
    expect(fake.webhooks.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);

    fake.faults.droppedWebhooks = 1;
    await submit({ prompt: "dropped" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(2);
  });
});
