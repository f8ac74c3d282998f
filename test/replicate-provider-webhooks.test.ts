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
let publicUrl: string;

/** PUBLIC_URL must name gengate's port before it starts: take a free one first. */
beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 700, max: 700 }, webhookRetryDelaysMs: [100, 200] });
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  gateway = await startGateway({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    // no waiting on creates: webhooks and polls bring the results
    REPLICATE_WAIT_SECONDS: "0",
    // a short safety net, so the dropped-webhook test need not wait the default 30 s
    REPLICATE_WEBHOOK_POLL_SECONDS: "2",
  });
  replicate = new Replicate({ auth: TEST_TOKEN, baseUrl: `${gateway.url}/v1` });
});

afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const input = (prompt: string) => ({ prompt, width: 256, height: 256 });
const upstreamOf = (prompt: string) => fake.predictions().find((p) => p.input.prompt === prompt);
const hooks = (predictionId: string) =>
  fake.webhookAttempts.filter((attempt) => attempt.url.endsWith(`prediction=${predictionId}`));

function postHook(body: object, key = fake.webhookSecret.slice("whsec_".length), id = `msg_${Date.now()}`) {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(`${gateway.url}/hooks/replicate`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": sign(key, id, timestamp, raw),
    },
    body: raw,
  });
}

describe("webhooks from Replicate", () => {
  it("marks each create with gengate's webhook and finishes from the webhook", async () => {
    const prediction = await replicate.predictions.create({ model: "fake/sdxl", input: input("hooked") });
    const done = await replicate.wait(prediction, { interval: 50 });
    expect(done.status).toBe("succeeded");
    const upstream = upstreamOf("hooked");
    expect(upstream?.webhook).toBe(`${publicUrl}/hooks/replicate?prediction=${prediction.id}`);
    expect(upstream?.webhookEventsFilter).toEqual(["completed"]);
    const completed = hooks(prediction.id);
    expect(completed.length).toBeGreaterThan(0);
    expect(completed.every((attempt) => attempt.status === 200 && attempt.body.includes('"succeeded"'))).toBe(
      true,
    );
    // one poll right after the create; the webhook brought the end before the next one
    const polls = fake.requests.filter(
      (r) => r.method === "GET" && r.path === `/v1/predictions/${upstream?.id}`,
    );
    expect(polls.length).toBeLessThanOrEqual(1);
  });

  it("still finishes when webhooks are dropped (polling)", async () => {
    fake.faults.dropWebhooks(20);
    const prediction = await replicate.predictions.create({ model: "fake/sdxl", input: input("dropped") });
    const done = await replicate.wait(prediction, { interval: 100 });
    expect(done.status).toBe("succeeded");
    expect(done.output).toHaveLength(1);
    expect(hooks(prediction.id)).toHaveLength(0);
    fake.faults.dropWebhooks(0);
  });

  it("rejects a forged webhook and changes nothing", async () => {
    const prediction = await replicate.predictions.create({ model: "fake/sdxl", input: input("forged") });
    const upstream = await until(() => upstreamOf("forged"));
    const forged = { id: upstream.id, status: "failed", error: "forged", input: {}, output: null };
    const wrongKey = Buffer.alloc(24, 7).toString("base64");
    expect((await postHook(forged, wrongKey)).status).toBe(401);
    const unsigned = await fetch(`${gateway.url}/hooks/replicate`, {
      method: "POST",
      body: JSON.stringify(forged),
    });
    expect(unsigned.status).toBe(401);
    const done = await replicate.wait(prediction, { interval: 50 });
    expect([done.status, done.error]).toEqual(["succeeded", null]);
  });

  it("is unmoved by duplicate webhooks and by a late 'processing' after success", async () => {
    fake.faults.duplicateWebhooks(20);
    const prediction = await replicate.predictions.create({ model: "fake/sdxl", input: input("twice") });
    const done = await replicate.wait(prediction, { interval: 50 });
    expect(done.status).toBe("succeeded");
    // Each webhook comes twice: wait for both deliveries of the terminal one.
    const attempts = await until(() => {
      const seen = hooks(prediction.id);
      return seen.filter((a) => a.body.includes('"succeeded"')).length >= 2 ? seen : undefined;
    });
    const ids = attempts.map((attempt) => attempt.webhookId);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    const completed = attempts.filter((attempt) => attempt.body.includes('"succeeded"'));
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(completed.every((attempt) => attempt.status === 200)).toBe(true);
    fake.faults.duplicateWebhooks(0);

    const upstream = upstreamOf("twice");
    const late = { id: upstream?.id, status: "processing", input: {}, output: null, logs: "" };
    expect((await postHook(late)).status).toBe(200);
    const after = await replicate.predictions.get(prediction.id);
    expect([after.status, after.output]).toEqual(["succeeded", done.output]);
  });

  it("adopts a create whose answer was lost, by its webhook marker", async () => {
    const warm = await replicate.predictions.create({ model: "fake/sdxl", input: input("warm-up") });
    await replicate.wait(warm, { interval: 50 });
    fake.faults.resetAfterCreate(1);
    const prediction = await replicate.predictions.create({
      model: "fake/sdxl",
      input: input("reset after"),
    });
    const done = await replicate.wait(prediction, { interval: 50 });
    expect(done.status).toBe("succeeded");
    expect(fake.predictions().filter((p) => p.input.prompt === "reset after")).toHaveLength(1);
  });

  it("keeps the longer logs when an older webhook arrives after a newer one", async () => {
    fake.faults.dropWebhooks(20);
    const prediction = await replicate.predictions.create({ model: "fake/sdxl", input: input("late logs") });
    const upstream = await until(() => upstreamOf("late logs"));
    await until(async () =>
      (await gateway.store.predictions.get(prediction.id))?.upstreamId ? true : undefined,
    );
    // Longer than anything the fake writes, so no poll can rightly replace them.
    const newer = Array.from({ length: 200 }, (_, i) => `step ${i + 1}/200`).join("\n");
    const older = "step 1/200";
    const hook = (logs: string) => ({ id: upstream.id, status: "processing", input: {}, output: null, logs });
    expect((await postHook(hook(newer))).status).toBe(200);
    expect((await postHook(hook(older))).status).toBe(200);
    const row = await gateway.store.predictions.get(prediction.id);
    expect([row?.state, row?.logs]).toEqual(["running", newer]);
    fake.faults.dropWebhooks(0);
    await replicate.wait(prediction, { interval: 50 });
  });
});
