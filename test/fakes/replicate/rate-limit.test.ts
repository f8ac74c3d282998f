/** Per-token token buckets: creates and everything else, with burst, headers and 429s. */
import { describe, expect, it } from "vitest";
import { latestVersion, useFake } from "./test-support.ts";

const ctx = useFake({
  createsPerMinute: 60,
  requestsPerMinute: 120,
  burst: 3,
  latencyMs: { min: 0, max: 0 },
});

describe("rate limits", () => {
  it("throttles creates beyond the burst with 429, Retry-After and no prediction", async () => {
    ctx.fake.reset();
    const version = await latestVersion(ctx.api, "fake/llm");
    const create = () => ctx.api.post("/predictions", { version, input: { prompt: "x" } });
    const answers = [await create(), await create(), await create(), await create()];
    expect(answers.map((response) => response.status)).toEqual([201, 201, 201, 429]);
    expect(answers.map((response) => response.headers.get("ratelimit-remaining"))).toEqual([
      "2",
      "1",
      "0",
      "0",
    ]);
    for (const response of answers)
      expect(Number(response.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);

    const throttled = answers[3] as Response;
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.headers.get("content-type")).toBe("application/problem+json");
    expect(await throttled.json()).toEqual({
      detail: "Request was throttled. Expected available in 1 second.",
      status: 429,
    });
    expect(ctx.fake.predictions()).toHaveLength(3);

    // Other endpoints have their own bucket.
    const listed = await ctx.api("/predictions");
    expect(listed.status).toBe(200);
    expect(listed.headers.get("ratelimit-remaining")).toBe("1");

    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await create()).status).toBe(201);
  });

  it("holds creates to a lowered limit and states it in its 429s, as Replicate does", async () => {
    ctx.fake.reset();
    ctx.fake.lowerCreates({ perMinute: 6, burst: 1 });
    try {
      const version = await latestVersion(ctx.api, "fake/llm");
      const create = () => ctx.api.post("/predictions", { version, input: { prompt: "x" } });
      const answers = [await create(), await create()];
      expect(answers.map((response) => response.status)).toEqual([201, 429]);
      const throttled = answers[1] as Response;
      expect(throttled.headers.get("retry-after")).toBe("10");
      expect(await throttled.json()).toEqual({
        detail:
          "Request was throttled. Your rate limit for creating predictions is reduced to 6 requests per minute with a burst of 1 requests. Your rate limit resets in ~10s.",
        status: 429,
        retry_after: 10,
      });
    } finally {
      ctx.fake.lowerCreates(null);
    }
  });

  it("throttles other endpoints on their own budget", async () => {
    ctx.fake.reset();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ctx.api("/account")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(ctx.fake.requests.map((request) => request.status)).toEqual([200, 200, 200, 429]);
  });

  it("does not count unauthenticated requests against the token", async () => {
    ctx.fake.reset();
    const response = await fetch(`${ctx.fake.url}/account`, {
      headers: { authorization: "Bearer r8_wrong" },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      title: "Unauthenticated",
      detail: "You did not pass a valid authentication token",
      status: 401,
    });
    const ok = await fetch(`${ctx.fake.url}/account`, {
      headers: { authorization: `Token ${ctx.fake.token}` },
    });
    expect([ok.status, ok.headers.get("ratelimit-remaining")]).toEqual([200, "2"]);
  });
});
