/**
 * Replicate misbehaving: rate limits, 5xx bursts, connections reset around a create, outputs that
 * expire. gengate paces itself, retries what is safe and never pays twice.
 */
import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../src/core/errors.ts";
import { createReplicateProvider } from "../src/providers/replicate/index.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { startGateway, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";
import { providerDeps } from "./support/provider-deps.ts";

const CREATES_PER_MINUTE = 120;
let fake: FakeReplicate;
let gateway: TestGateway;
let replicate: Replicate;

beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 20, max: 60 }, createsPerMinute: CREATES_PER_MINUTE });
  gateway = await startGateway({
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    // a little under the account's limit, as an operator would configure it
    REPLICATE_CREATES_PER_MINUTE: String(CREATES_PER_MINUTE * 0.9),
  });
  replicate = new Replicate({ auth: TEST_TOKEN, baseUrl: `${gateway.url}/v1` });
  // the model's schema is looked up once, before any fault is armed
  await replicate.run("fake/sdxl", { input: { prompt: "warm-up", width: 256, height: 256 } });
});

afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const input = (prompt: string) => ({ prompt, width: 256, height: 256 });
const upstreamWith = (prompt: string) => fake.predictions().filter((p) => p.input.prompt === prompt);

async function runOnce(prompt: string) {
  const prediction = await replicate.predictions.create({ model: "fake/sdxl", input: input(prompt) });
  return replicate.wait(prediction, { interval: 50 });
}

describe("the Replicate provider under faults", () => {
  it("paces creates under the account's limit: a burst all finishes without a single 429", async () => {
    const created = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        replicate.predictions.create({ model: "fake/sdxl", input: input(`storm ${i}`) }),
      ),
    );
    const done = await Promise.all(created.map((p) => replicate.wait(p, { interval: 100 })));
    expect(done.map((p) => p.status)).toEqual(created.map(() => "succeeded"));
    const creates = fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/predictions");
    expect(creates.filter((r) => r.status === 429)).toEqual([]);
  }, 30_000);

  it("retries a burst of 5xx answers", async () => {
    fake.faults.errors5xx(2, 502);
    const done = await runOnce("after 5xx");
    expect(done.status).toBe("succeeded");
    expect(upstreamWith("after 5xx")).toHaveLength(1);
  });

  it("creates again when the connection was reset before the create", async () => {
    fake.faults.resetBeforeCreate(1);
    const done = await runOnce("reset before");
    expect(done.status).toBe("succeeded");
    expect(upstreamWith("reset before")).toHaveLength(1);
  });

  it("adopts the create whose answer was lost, without a webhook to mark it", async () => {
    fake.faults.resetAfterCreate(1);
    const done = await runOnce("reset after");
    expect(done.status).toBe("succeeded");
    expect(upstreamWith("reset after")).toHaveLength(1);
    const lookups = fake.requests.filter((r) => r.method === "GET" && r.path === "/v1/predictions");
    expect(lookups.length).toBeGreaterThan(0);
  });

  it("tells two identical lost creates apart", async () => {
    fake.faults.resetAfterCreate(2);
    const done = await Promise.all([runOnce("same input"), runOnce("same input")]);
    expect(done.map((p) => p.status)).toEqual(["succeeded", "succeeded"]);
    expect(upstreamWith("same input")).toHaveLength(2);
    expect(new Set(done.map((p) => JSON.stringify(p.output))).size).toBe(2);
  });
});

describe("Replicate's rate limit", () => {
  it("comes back as rate_limited with Replicate's delay, for the engine to pause its starts", async () => {
    const strict = await startFakeReplicate({ createsPerMinute: 1 });
    const provider = createReplicateProvider(
      { REPLICATE_API_TOKEN: strict.token, REPLICATE_BASE_URL: strict.url, REPLICATE_WAIT_SECONDS: "0" },
      await providerDeps("replicate"),
    );
    const ctx = { readInput: () => Promise.reject(new Error("no files")) };
    try {
      const model = await provider?.getModel({ kind: "model", owner: "fake", name: "sdxl" });
      const start = (predictionId: string) =>
        provider?.start(
          {
            predictionId,
            submitId: `${predictionId}-s`,
            providerModel: model?.providerModel ?? "",
            input: input("x"),
          },
          ctx,
        );
      await start("p1");
      const error = await start("p2")?.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: "rate_limited", retryable: true });
      expect((error as GatewayError).retryAfterMs).toBeGreaterThanOrEqual(50_000);
    } finally {
      await strict.close();
    }
  });
});

describe("slow and expiring upstream work", () => {
  it("passes a cancel on to Replicate", async () => {
    const slow = await startFakeReplicate({ latencyMs: { min: 30_000, max: 30_000 } });
    const other = await startGateway({
      REPLICATE_API_TOKEN: slow.token,
      REPLICATE_BASE_URL: slow.url,
      REPLICATE_WAIT_SECONDS: "0",
    });
    const client = new Replicate({ auth: TEST_TOKEN, baseUrl: `${other.url}/v1` });
    try {
      const prediction = await client.predictions.create({ model: "fake/sdxl", input: input("cancel me") });
      while ((await client.predictions.get(prediction.id)).status !== "processing") {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const canceled = await client.predictions.cancel(prediction.id);
      expect(canceled.status).toBe("canceled");
      const upstream = slow.predictions()[0];
      expect(upstream?.status).toBe("canceled");
      expect(
        slow.requests.some((r) => r.method === "POST" && r.path === `/v1/predictions/${upstream?.id}/cancel`),
      ).toBe(true);
    } finally {
      await other.close();
      await slow.close();
    }
  });

  it("stores the output on a later check when the download after an answer that was the end fails", async () => {
    const deliveredBefore = fake.deliveries.length;
    fake.faults.failDeliveries(1);
    const prediction = await runOnce("first download fails");
    expect(prediction.status).toBe("succeeded");
    const [upstream] = upstreamWith("first download fails");
    const [outputUrl] = (upstream?.output ?? []) as string[];
    const outputPath = new URL(String(outputUrl)).pathname;
    const downloads = fake.deliveries.slice(deliveredBefore).filter((request) => request.path === outputPath);
    // the first copy failed; the check after it (taking the completed webhook kept meanwhile) copied it
    expect(downloads.map((request) => request.status)).toEqual([503, 200]);
    expect(prediction.started_at).toEqual(expect.any(String));
    const stored = await fetch(String((prediction.output as string[])[0]));
    expect(stored.status).toBe(200);
    expect(
      Buffer.from(await stored.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });

  it("fails clearly when outputs expire before gengate could store them", async () => {
    const hasty = await startFakeReplicate({ latencyMs: { min: 20, max: 20 }, outputTtlMs: 1 });
    const other = await startGateway({ REPLICATE_API_TOKEN: hasty.token, REPLICATE_BASE_URL: hasty.url });
    const client = new Replicate({ auth: TEST_TOKEN, baseUrl: `${other.url}/v1` });
    try {
      await expect(client.run("fake/sdxl", { input: input("gone") })).rejects.toThrow(
        "output expired before it could be stored",
      );
    } finally {
      await other.close();
      await hasty.close();
    }
  });
});
