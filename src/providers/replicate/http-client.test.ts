/**
 * The pacing of requests other than creates, against the fake Replicate over real HTTP: a burst
 * goes at once and the rest at the budget's rate, a 429 holds back the next request, and a request
 * that would wait too long is refused without being sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "../../../test/fakes/replicate/index.ts";
import { GatewayError } from "../../core/errors.ts";
import { LocalRateLimiter } from "../../core/rate-limiter.ts";
import { ReplicateHttp } from "./http-client.ts";
import { requestBudget } from "./request-budget.ts";

let fake: FakeReplicate;

beforeAll(async () => {
  // Its own limit of requests other than creates: 60 a minute, a burst of 6.
  fake = await startFakeReplicate({ latencyMs: { min: 0, max: 0 }, requestsPerMinute: 60 });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

const http = (perMinute: number) =>
  new ReplicateHttp(fake.url, fake.token, requestBudget(new LocalRateLimiter(), "acct", perMinute));
const accountRequests = () => fake.requests.filter((r) => r.path === "/v1/account");
const account = (client: ReplicateHttp) => client.request("/account", { what: "checking the account" });

describe("ReplicateHttp's pacing", () => {
  it("lets a burst through, then spaces requests at the budget's rate", async () => {
    // 36 a minute is one every 1.67 s, with a burst of 1: three requests span 3.3 s at least.
    const client = http(36);
    const started = Date.now();
    await Promise.all([account(client), account(client), account(client)]);
    const times = accountRequests().map((r) => r.at - started);
    expect(times).toHaveLength(3);
    expect(times[0]).toBeLessThan(1_000);
    expect(times[2]).toBeGreaterThanOrEqual(3_200);
    expect(accountRequests().map((r) => r.status)).toEqual([200, 200, 200]);
  }, 15_000);

  it("holds back the next request for as long as Replicate's 429 said", async () => {
    const client = http(6_000);
    // More at once than the fake's burst of 6: some come back 429 (or the last one says 0 left).
    await Promise.allSettled(Array.from({ length: 8 }, () => account(client)));
    const limited = accountRequests().filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    await account(client);
    const next = accountRequests().at(-1);
    expect(next?.status).toBe(200);
    expect(next?.at ?? 0).toBeGreaterThanOrEqual((limited.at(-1)?.at ?? 0) + 900);
  }, 15_000);

  it("refuses a request that would wait too long for the budget, sending nothing", async () => {
    const budget = requestBudget(new LocalRateLimiter(), "acct", 600);
    await budget.throttled(60_000);
    const client = new ReplicateHttp(fake.url, fake.token, budget);
    const refused = await account(client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayError);
    expect(refused).toMatchObject({ code: "rate_limited", retryable: true });
    expect((refused as GatewayError).retryAfterMs).toBeGreaterThan(10_000);
    expect(refused).toHaveProperty(
      "message",
      "gengate is pacing requests to Replicate (checking the account)",
    );
    expect(accountRequests()).toEqual([]);
  });
});
