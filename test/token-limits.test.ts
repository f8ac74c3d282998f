/**
 * Every limit a token or its tenant sets refuses what it should, with a problem+json that names the
 * limit and whose it is: scopes (and a token giving only the scopes it holds), the model allow-list,
 * expiry, IP ranges, requests per minute, predictions in flight, and budgets of tokens and tenants
 * (held at admission, settled at the end, one signed alert when crossed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../src/core/webhook-signature.ts";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts";

let gateway: TestGateway;
let receiver: WebhookReceiver;

beforeAll(async () => {
  gateway = await startGatewayWithConfig(
    // sim/text is priced by the second with no estimate of its run time: a budget cannot hold it.
    { pricing: { sim: { perRun: 0.01, models: { text: { perSecond: 0.001 } } } } },
    { GENGATE_ALLOW_PRIVATE_URLS: "1" },
  );
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await gateway.close();
  await receiver.close();
});

interface Issued {
  id: string;
  token: string;
  api(path: string, init?: RequestInit): Promise<Response>;
}

const json = (body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

function as(token: string) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
}

async function issue(body: Record<string, unknown>, by = gateway.api): Promise<Issued> {
  const response = await by("/v1/admin/tokens", json(body));
  expect(response.status, await response.clone().text()).toBe(201);
  const { id, token } = (await response.json()) as { id: string; token: string };
  return { id, token, api: as(token) };
}

async function tenant(body: Record<string, unknown>): Promise<string> {
  const response = await gateway.api("/v1/admin/tenants", json(body));
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const predict = (who: Issued, input: Record<string, unknown> = {}, model = "sim/image") =>
  who.api(`/v1/models/${model}/predictions`, json({ input: { prompt: "a lamp", ...input } }));

interface Problem {
  status: number;
  detail: string;
  refused_by?: { limit: string; scope: string; id: string; name: string };
}

async function refusal(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return (await response.json()) as Problem;
}

const predictionCount = async () => (await gateway.store.predictions.list({ limit: 10_000 })).length;

describe("scopes", () => {
  it("refuse a route the token has no scope for, naming the scope", async () => {
    const reader = await issue({ name: "reader", scopes: ["predictions:read"] });
    const before = await predictionCount();
    const problem = await refusal(await predict(reader), 403);
    expect(problem.detail).toContain("predictions:write");
    expect(problem.refused_by).toEqual({ limit: "scope", scope: "token", id: reader.id, name: "reader" });
    expect(await predictionCount()).toBe(before);
    expect((await reader.api("/v1/predictions")).status).toBe(200);
    expect((await reader.api("/v1/models")).status).toBe(403);
    expect((await reader.api("/v1/admin/tokens")).status).toBe(403);
  });

  it("are given only as far as the giver holds them", async () => {
    const manager = await issue({ name: "manager", scopes: ["admin", "predictions:read"] });
    const problem = await refusal(
      await manager.api("/v1/admin/tokens", json({ name: "writer", scopes: ["predictions:write"] })),
      403,
    );
    expect(problem.detail).toContain("predictions:write");
    expect(problem.refused_by?.limit).toBe("scope");
    const reader = await issue({ name: "sub-reader", scopes: ["predictions:read"] }, manager.api);
    expect((await reader.api("/v1/predictions")).status).toBe(200);
  });

  it("are checked on the OpenAI routes too", async () => {
    const reader = await issue({ name: "openai-reader", scopes: ["predictions:read"] });
    const response = await reader.api(
      "/openai/v1/images/generations",
      json({ model: "sim/image", prompt: "x" }),
    );
    expect(response.status).toBe(403);
  });
});

describe("the model allow-list", () => {
  it("refuses models not on it, by name, owner wildcard or alias", async () => {
    const narrow = await issue({ name: "narrow", models: ["sim/text"] });
    const problem = await refusal(await predict(narrow), 403);
    expect(problem.refused_by).toEqual({ limit: "models", scope: "token", id: narrow.id, name: "narrow" });
    const before = await predictionCount();
    expect(await predictionCount()).toBe(before);
    const wide = await issue({ name: "wide", models: ["sim/*"] });
    expect((await predict(wide)).status).toBe(201);
  });

  it("of a tenant binds its tokens", async () => {
    const id = await tenant({ name: "text-only", models: ["sim/text"] });
    const member = await issue({ name: "member", tenant: "text-only" });
    const problem = await refusal(await predict(member), 403);
    expect(problem.refused_by).toEqual({ limit: "models", scope: "tenant", id, name: "text-only" });
  });
});

describe("expiry", () => {
  it("ends a token's use at its time, and a tenant's for all its tokens", async () => {
    const past = new Date(Date.now() - 1_000).toISOString();
    const expired = await issue({ name: "expired", expires_at: past });
    const problem = await refusal(await expired.api("/v1/predictions"), 401);
    expect(problem.refused_by).toEqual({ limit: "expiry", scope: "token", id: expired.id, name: "expired" });
    const future = await issue({ name: "later", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await future.api("/v1/predictions")).status).toBe(200);

    const id = await tenant({ name: "lapsed", expires_at: past });
    const member = await issue({ name: "lapsed-member", tenant: id });
    expect((await refusal(await member.api("/v1/predictions"), 401)).refused_by?.scope).toBe("tenant");
  });
});

describe("IP ranges", () => {
  it("admit only requests from inside them", async () => {
    const office = await issue({ name: "office", ip_ranges: ["10.0.0.0/8", "192.168.1.0/24"] });
    const problem = await refusal(await office.api("/v1/predictions"), 403);
    expect(problem.detail).toContain("127.0.0.1");
    expect(problem.refused_by).toEqual({ limit: "ip_ranges", scope: "token", id: office.id, name: "office" });
    const local = await issue({ name: "local", ip_ranges: ["127.0.0.0/8", "::1"] });
    expect((await local.api("/v1/predictions")).status).toBe(200);
  });

  it("must be valid ranges", async () => {
    const response = await gateway.api("/v1/admin/tokens", json({ name: "bad", ip_ranges: ["10.0.0.0/33"] }));
    const problem = (await response.json()) as { invalid_fields: { field: string }[] };
    expect(response.status).toBe(422);
    expect(problem.invalid_fields.map((f) => f.field)).toEqual(["ip_ranges.0"]);
  });
});

describe("requests per minute", () => {
  it("of a token refuse the request past the limit with Retry-After", async () => {
    const slow = await issue({ name: "slow", requests_per_minute: 3 });
    for (let i = 0; i < 3; i++) expect((await slow.api("/v1/predictions")).status).toBe(200);
    const response = await slow.api("/v1/predictions");
    const problem = await refusal(response, 429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(problem.refused_by).toEqual({
      limit: "requests_per_minute",
      scope: "token",
      id: slow.id,
      name: "slow",
    });
  });

  it("of a tenant are shared by its tokens", async () => {
    const id = await tenant({ name: "shared-rate", requests_per_minute: 4 });
    const one = await issue({ name: "rate-one", tenant: id });
    const two = await issue({ name: "rate-two", tenant: id });
    for (const who of [one, two, one, two]) expect((await who.api("/v1/predictions")).status).toBe(200);
    const problem = await refusal(await one.api("/v1/predictions"), 429);
    expect(problem.refused_by).toEqual({
      limit: "requests_per_minute",
      scope: "tenant",
      id,
      name: "shared-rate",
    });
  });
});

describe("predictions in flight", () => {
  it("refuse new work while the limit is reached, and admit it once one ends", async () => {
    const busy = await issue({ name: "busy", predictions_in_flight: 2 });
    const running = [];
    for (let i = 0; i < 2; i++) {
      const response = await predict(busy, { latency_ms: 60_000 });
      expect(response.status).toBe(201);
      running.push(((await response.json()) as { id: string }).id);
    }
    const response = await predict(busy, { latency_ms: 60_000 });
    const problem = await refusal(response, 429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(problem.refused_by).toEqual({
      limit: "predictions_in_flight",
      scope: "token",
      id: busy.id,
      name: "busy",
    });
    expect((await busy.api(`/v1/predictions/${running[0]}/cancel`, { method: "POST" })).status).toBe(200);
    expect((await predict(busy)).status).toBe(201);
    await busy.api(`/v1/predictions/${running[1]}/cancel`, { method: "POST" });
  });

  it("of a tenant count every token's work, batches included", async () => {
    const id = await tenant({ name: "small-team", predictions_in_flight: 3 });
    const one = await issue({ name: "team-one", tenant: id });
    const two = await issue({ name: "team-two", tenant: id });
    expect((await predict(one, { latency_ms: 60_000 })).status).toBe(201);
    const batch = await two.api(
      "/v1/batches",
      json({
        model: "sim/image",
        items: [1, 2, 3].map((n) => ({ input: { prompt: `${n}`, latency_ms: 60_000 } })),
      }),
    );
    const problem = await refusal(batch, 429);
    expect(problem.detail).toContain("this adds 3");
    expect(problem.refused_by?.scope).toBe("tenant");
    expect((await predict(two, { latency_ms: 60_000 })).status).toBe(201);
    expect((await predict(one, { latency_ms: 60_000 })).status).toBe(201);
    expect((await refusal(await predict(two), 429)).refused_by?.id).toBe(id);
  });
});

describe("budgets", () => {
  const waitSettled = async (who: Issued) =>
    until(async () => {
      const token = (await (await gateway.api(`/v1/admin/tokens/${who.id}`)).json()) as {
        budget_usage: { held_usd: number; spent_usd: number; remaining_usd: number } | null;
      };
      return token.budget_usage?.held_usd === 0 ? token.budget_usage : undefined;
    });

  it.each(["day", "week", "month"] as const)(
    "of a token (%s) refuse work past it with a 402",
    async (period) => {
      const thrifty = await issue({ name: `thrifty-${period}`, budget: { usd: 0.03, period } });
      for (let i = 0; i < 3; i++) expect((await predict(thrifty)).status).toBe(201);
      const before = await predictionCount();
      const problem = await refusal(await predict(thrifty), 402);
      expect(problem.detail).toContain(`${period} budget of $0.03`);
      expect(problem.refused_by).toEqual({
        limit: "budget",
        scope: "token",
        id: thrifty.id,
        name: `thrifty-${period}`,
      });
      expect(await predictionCount()).toBe(before);
      expect(await waitSettled(thrifty)).toMatchObject({ spent_usd: 0.03, remaining_usd: 0 });
    },
  );

  it.each(["day", "week", "month"] as const)(
    "of a tenant (%s) bind all its tokens together",
    async (period) => {
      const name = `budget-team-${period}`;
      const id = await tenant({ name, budget: { usd: 0.02, period } });
      const one = await issue({ name: `${name}-one`, tenant: id });
      const two = await issue({ name: `${name}-two`, tenant: id, budget: { usd: 1, period: "day" } });
      expect((await predict(one)).status).toBe(201);
      expect((await predict(two)).status).toBe(201);
      const problem = await refusal(await predict(two), 402);
      expect(problem.refused_by).toEqual({ limit: "budget", scope: "tenant", id, name });
      const usage = (await (await gateway.api(`/v1/admin/tenants/${id}`)).json()) as {
        budget_usage: { period_start: string; resets_at: string };
      };
      const start = new Date(usage.budget_usage.period_start);
      expect(start.getUTCHours() + start.getUTCMinutes()).toBe(0);
      if (period === "week") expect(start.getUTCDay()).toBe(1);
      if (period === "month") expect(start.getUTCDate()).toBe(1);
    },
  );

  it("release what a failed or canceled prediction held", async () => {
    const careful = await issue({ name: "careful", budget: { usd: 0.01, period: "day" } });
    const failed = (await (await predict(careful, { fail: true })).json()) as { id: string };
    await until(async () => {
      const p = (await (await careful.api(`/v1/predictions/${failed.id}`)).json()) as { status: string };
      return p.status === "failed" ? p : undefined;
    });
    expect(await waitSettled(careful)).toMatchObject({ spent_usd: 0, remaining_usd: 0.01 });
    expect((await predict(careful)).status).toBe(201);
  });

  it("refuse models with no price to hold", async () => {
    const priced = await issue({ name: "priced-only", budget: { usd: 5, period: "day" } });
    const problem = await refusal(await predict(priced, {}, "sim/text"), 402);
    expect(problem.detail).toContain("no known price");
  });

  it("send one signed alert when the threshold is crossed", async () => {
    const watched = await issue({
      name: "watched",
      budget: { usd: 0.04, period: "day", alert_at: 0.5, alert_url: receiver.url },
    });
    const secret = ((await (await watched.api("/v1/webhooks/default/secret")).json()) as { key: string }).key;
    const first = receiver.received.length;
    for (let i = 0; i < 3; i++) expect((await predict(watched)).status).toBe(201);
    const [alert] = (await receiver.waitFor(first + 1)).slice(first);
    const body = JSON.parse(alert?.body ?? "{}") as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "budget.alert",
      scope: "token",
      id: watched.id,
      budget_usd: 0.04,
      alert_at: 0.5,
    });
    expect(body.used_usd).toBeCloseTo(0.02);
    const signed = {
      id: String(alert?.headers["webhook-id"]),
      timestamp: String(alert?.headers["webhook-timestamp"]),
      signature: String(alert?.headers["webhook-signature"]),
    };
    expect(verifySignature(secret.slice("whsec_".length), signed, alert?.body ?? "")).toBe(true);
    await waitSettled(watched);
    expect(receiver.received.length).toBe(first + 1);
  });
});
