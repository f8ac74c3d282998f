/**
 * No wasted trips to Replicate: each create asks only for the webhook gengate acts on, each output
 * is downloaded once, and a rotated webhook signing secret is fetched again instead of refusing
 * every webhook until a restart.
 */
import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "../src/core/webhook-signature.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { freePort } from "./support/free-port.ts";
import { startGateway, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

let fake: FakeReplicate;
let gateway: TestGateway;
let replicate: Replicate;

beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 300, max: 300 } });
  const port = await freePort();
  gateway = await startGateway({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    REPLICATE_WAIT_SECONDS: "5",
  });
  replicate = new Replicate({ auth: TEST_TOKEN, baseUrl: `${gateway.url}/v1` });
});

afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const hooksOf = (predictionId: string) =>
  fake.webhookAttempts.filter((attempt) => attempt.url.endsWith(`prediction=${predictionId}`));

/**
 * The statuses gengate answered a prediction's webhooks with, once the fake has sent one: a create
 * that waited ends the prediction before Replicate's webhook comes.
 */
const answeredHooksOf = (predictionId: string) =>
  until(() => {
    const hooks = hooksOf(predictionId);
    return hooks.length > 0 ? hooks.map((attempt) => attempt.status) : undefined;
  }, 10_000);

async function run(prompt: string, extra: Record<string, unknown> = {}) {
  const prediction = await replicate.predictions.create({
    model: "fake/sdxl",
    input: { prompt, width: 256, height: 256, ...extra },
  });
  return { created: prediction, done: await replicate.wait(prediction, { interval: 50 }) };
}

describe("trips to Replicate", () => {
  it("asks only for the completed webhook, which gengate takes, and downloads each output once", async () => {
    const { created, done } = await run("once", { num_outputs: 2 });
    expect(done.status).toBe("succeeded");
    const upstream = fake.predictions().find((p) => p.input.prompt === "once");
    expect(upstream?.webhookEventsFilter).toEqual(["completed"]);
    expect(await answeredHooksOf(created.id)).toEqual([200]);
    const outputs = upstream?.output as string[];
    expect(outputs).toHaveLength(2);
    for (const url of outputs) {
      expect(fake.deliveries.filter((d) => url.endsWith(d.path))).toHaveLength(1);
    }
  });
});

describe("an end the create's answer told", () => {
  it("is applied without asking Replicate again, and a webhook telling it meanwhile copies and keeps nothing", async () => {
    // The waited create answers with the end; its webhook comes while the output is still being copied.
    fake.faults.slowDeliveries(3_000, 1);
    const { created, done } = await run("told by the create");
    expect(done.status).toBe("succeeded");
    const upstream = fake.predictions().find((p) => p.input.prompt === "told by the create");
    if (!upstream) throw new Error("the create never reached Replicate");
    const polls = fake.requests.filter(
      (r) => r.method === "GET" && r.path === `/v1/predictions/${upstream.id}`,
    );
    expect(polls).toHaveLength(0);
    expect((await answeredHooksOf(created.id)).at(-1)).toBe(200);
    // The end was in hand when the webhook came: it was answered without being kept for a check.
    expect(await gateway.store.receivedWebhooks.take(created.id)).toBeNull();
    const [url] = upstream.output as string[];
    expect(url).toBeDefined();
    expect(fake.deliveries.filter((d) => url?.endsWith(d.path))).toHaveLength(1);
  });
});

describe("Replicate's webhook signing secret", () => {
  it("is fetched again when Replicate rotated it, so webhooks signed with the new one are taken", async () => {
    // gengate fetched the secret for the first test's webhook; Replicate now signs with another.
    const secretFetches = () => fake.requests.filter((r) => r.path === "/v1/webhooks/default/secret").length;
    const fetchedBefore = secretFetches();
    expect(fetchedBefore).toBe(1);
    fake.rotateWebhookSecret();
    const first = await run("after rotation");
    expect(first.done.status).toBe("succeeded");
    expect(await answeredHooksOf(first.created.id)).toEqual([200]);
    const second = await run("after rotation, again");
    expect(await answeredHooksOf(second.created.id)).toEqual([200]);
    expect(secretFetches()).toBe(fetchedBefore + 1);
  });

  it("is not fetched again for every forged webhook: at most once a minute", async () => {
    const secretFetches = () => fake.requests.filter((r) => r.path === "/v1/webhooks/default/secret").length;
    const before = secretFetches();
    const forged = JSON.stringify({ id: "abc", status: "succeeded", input: {}, output: null });
    const wrongKey = Buffer.alloc(24, 7).toString("base64");
    for (let i = 0; i < 3; i++) {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(`${gateway.url}/hooks/replicate`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": `msg_forged_${i}`,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": sign(wrongKey, `msg_forged_${i}`, timestamp, forged),
        },
        body: forged,
      });
      expect(response.status).toBe(401);
    }
    // The rotation above renewed the secret less than a minute ago: no fetch at all.
    expect(secretFetches()).toBe(before);
  });
});
