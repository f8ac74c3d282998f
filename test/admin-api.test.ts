import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newTenant, startGatewayWithConfig, type Tenant, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

const CONFIG = {
  models: {
    broken: { targets: [{ provider: "sim", model: "sim/image", input: { fail: true } }] },
    sketch: {
      targets: [
        {
          provider: "sim",
          model: "sim/image",
          params: { steps: null, size: "width" },
          input: { output_format: "png" },
        },
      ],
    },
  },
  routing: { circuitBreaker: { failures: 1, windowMs: 60_000, openMs: 60_000 } },
};

let gateway: TestGateway;
let tenant: Tenant;

beforeAll(async () => {
  // Half a start a second, one at a time: the budget's use shows.
  gateway = await startGatewayWithConfig(CONFIG, { GENGATE_SIM_RATE_PER_MINUTE: "30" });
  tenant = await newTenant(gateway, "tenant");
});

afterAll(async () => {
  await gateway?.close();
});

interface ProviderStateJson {
  provider: string;
  concurrency: { limit: number; in_flight: number; queued: number };
  rate_limit: { bucket: string; per_minute: number; burst: number; available: number };
  circuits: Array<{ target: string; model: string; state: string }>;
}

async function simState(): Promise<ProviderStateJson> {
  const response = await gateway.api("/v1/admin/providers/state");
  expect(response.status).toBe(200);
  const { providers } = (await response.json()) as { providers: ProviderStateJson[] };
  const sim = providers.find((state) => state.provider === "sim");
  if (!sim) throw new Error("no sim provider in the state");
  return sim;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("GET /v1/admin/providers/state", () => {
  it("shows work in flight, the start budget's headroom and each target's circuit", async () => {
    expect(await simState()).toEqual({
      provider: "sim",
      concurrency: { limit: expect.any(Number), in_flight: 0, queued: 0 },
      rate_limit: { bucket: "sim", per_minute: 30, burst: 1, available: 1 },
      circuits: [
        { target: "broken#0", model: "sim/image", state: "closed" },
        { target: "sketch#0", model: "sim/image", state: "closed" },
      ],
    });

    const failed = await gateway.api("/v1/models/gengate/broken/predictions", {
      ...json({ input: { prompt: "x" } }),
      headers: { "content-type": "application/json", prefer: "wait=10" },
    });
    expect(((await failed.json()) as { status: string }).status).toBe("failed");
    const afterFailure = await simState();
    expect(afterFailure.rate_limit.available).toBe(0);
    expect(afterFailure.circuits).toContainEqual({ target: "broken#0", model: "sim/image", state: "open" });
    expect(afterFailure.circuits).toContainEqual({ target: "sketch#0", model: "sim/image", state: "closed" });

    const slow = await gateway.api(
      "/v1/models/sim/image/predictions",
      json({ input: { prompt: "slow", width: 64, height: 64, latency_ms: 30_000 } }),
    );
    const { id } = (await slow.json()) as { id: string };
    await until(async () => ((await simState()).concurrency.in_flight === 1 ? true : undefined), 10_000);
    await gateway.api(`/v1/predictions/${id}/cancel`, { method: "POST" });
    await until(async () => ((await simState()).concurrency.in_flight === 0 ? true : undefined), 10_000);
  });
});

describe("/v1/admin/tokens", () => {
  it("creates a token shown once, lists it with its last use, and revokes it", async () => {
    const created = await gateway.api("/v1/admin/tokens", json({ name: "  ci runner ", admin: false }));
    expect(created.status).toBe(201);
    const token = (await created.json()) as Record<string, unknown> & { id: string; token: string };
    expect(token).toEqual({
      id: expect.any(String),
      name: "ci runner",
      admin: false,
      scopes: [
        "predictions:write",
        "predictions:read",
        "files:write",
        "trainings:write",
        "batches:write",
        "models:read",
      ],
      tenant: null,
      models: null,
      expires_at: null,
      ip_ranges: null,
      requests_per_minute: null,
      predictions_in_flight: null,
      budget: null,
      budget_metrics: false,
      created_at: expect.any(String),
      last_used_at: null,
      revoked_at: null,
      token: expect.stringMatching(/^gg_/),
    });
    const asNew = (path: string, init: RequestInit = {}) =>
      fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${token.token}` } });
    const account = (await (await asNew("/v1/account")).json()) as { gengate: { admin: boolean } };
    expect(account.gengate.admin).toBe(false);

    const listed = async () =>
      ((await (await gateway.api("/v1/admin/tokens")).json()) as { results: Array<Record<string, unknown>> })
        .results;
    const row = (await listed()).find((t) => t.id === token.id);
    expect(row).toMatchObject({ name: "ci runner", admin: false, revoked_at: null });
    expect(Date.parse(String(row?.last_used_at))).toBeGreaterThanOrEqual(
      Date.parse(token.created_at as string),
    );
    expect(JSON.stringify(await listed())).not.toContain(token.token);

    expect((await gateway.api(`/v1/admin/tokens/${token.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await asNew("/v1/account")).status).toBe(401);
    expect((await listed()).find((t) => t.id === token.id)?.revoked_at).toEqual(expect.any(String));
    expect((await gateway.api(`/v1/admin/tokens/${token.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("refuses a bad name naming the field, and a token revoking itself", async () => {
    const before = ((await (await gateway.api("/v1/admin/tokens")).json()) as { results: unknown[] }).results;
    for (const [body, field] of [
      [{ name: "" }, "name"],
      [{}, "name"],
      [{ name: "x", admin: "yes" }, "admin"],
      [{ name: "x", role: "root" }, "role"],
    ] as const) {
      const response = await gateway.api("/v1/admin/tokens", json(body));
      expect(response.status, JSON.stringify(body)).toBe(422);
      const problem = (await response.json()) as {
        invalid_fields: Array<{ field: string; description: string }>;
      };
      expect(problem.invalid_fields.map((f) => `${f.field}: ${f.description}`).join("\n")).toContain(field);
    }
    const after = ((await (await gateway.api("/v1/admin/tokens")).json()) as { results: unknown[] }).results;
    expect(after).toHaveLength(before.length);

    const account = (await (await gateway.api("/v1/account")).json()) as { gengate: { token_id: string } };
    const self = await gateway.api(`/v1/admin/tokens/${account.gengate.token_id}`, { method: "DELETE" });
    expect(self.status).toBe(409);
    expect((await gateway.api("/v1/account")).status).toBe(200);
  });

  it("is a 403 for a non-admin token, which creates and revokes nothing", async () => {
    const count = async () =>
      ((await (await gateway.api("/v1/admin/tokens")).json()) as { results: unknown[] }).results.length;
    const before = await count();
    expect((await tenant.api("/v1/admin/tokens")).status).toBe(403);
    expect((await tenant.api("/v1/admin/tokens", json({ name: "sneaky", admin: true }))).status).toBe(403);
    expect((await tenant.api(`/v1/admin/tokens/${tenant.id}`, { method: "DELETE" })).status).toBe(403);
    expect((await tenant.api("/v1/admin/providers/state")).status).toBe(403);
    expect(await count()).toBe(before);
    expect((await tenant.api("/v1/account")).status).toBe(200);
  });
});

describe("GET /v1/models/gengate/{alias}", () => {
  it("gives an alias its first target's input schema under the alias's names", async () => {
    type Schema = { properties: Record<string, Record<string, unknown> | undefined> };
    const alias = (await (await gateway.api("/v1/models/gengate/sketch")).json()) as {
      latest_version: { id: string; openapi_schema: { components: { schemas: Record<string, Schema> } } };
    };
    const sim = (await (await gateway.api("/v1/models/sim/image")).json()) as typeof alias;
    const input = alias.latest_version.openapi_schema.components.schemas.Input as Schema;
    const simInput = sim.latest_version.openapi_schema.components.schemas.Input as Schema;
    expect(input.properties.prompt).toEqual(simInput.properties.prompt);
    // `size` is sent as width; output_format is always sent.
    expect(input.properties.size).toMatchObject({ ...simInput.properties.width, title: "Size" });
    expect(input.properties.width).toBeUndefined();
    expect(input.properties.output_format).toBeUndefined();
    expect(alias.latest_version.openapi_schema.components.schemas.Output).toEqual(
      sim.latest_version.openapi_schema.components.schemas.Output,
    );
    // Its own version: running "this version" never reaches sim/image past the alias.
    expect(alias.latest_version.id).toMatch(/^[a-f0-9]{64}$/);
    expect(alias.latest_version.id).not.toBe(sim.latest_version.id);
  });
});
