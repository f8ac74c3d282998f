/**
 * Admin actions are kept in the audit log (who, what, to what, from where; never a token's value),
 * and `/v1/usage` reads the spend ledger: a token its own spend only, an admin everyone's, grouped
 * by day, model or token, fallback and failed runs included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../src/core/api-tokens.ts";
import { startGatewayWithConfig, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGatewayWithConfig({
    pricing: { sim: { perRun: 0.01, perOutput: 0.002 } },
    models: {
      sturdy: {
        targets: [
          { provider: "sim", model: "sim/image", input: { fail: true } },
          { provider: "sim", model: "sim/image" },
        ],
        strategy: "fallback",
      },
    },
  });
});

afterAll(() => gateway.close());

const json = (body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function newToken(name: string) {
  const response = await gateway.api("/v1/admin/tokens", json({ name }));
  const { id, token } = (await response.json()) as { id: string; token: string };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
  return { id, token, api };
}

interface AuditJson {
  results: {
    action: string;
    target: string;
    actor_token_id: string;
    ip: string | null;
    detail: Record<string, unknown>;
  }[];
}

describe("the audit log", () => {
  it("keeps each admin action, newest first, and shows it to admins only", async () => {
    const created = await newToken("audited");
    expect(
      (await gateway.api(`/v1/admin/tokens/${created.id}`, json({ requests_per_minute: 10 }, "PATCH")))
        .status,
    ).toBe(200);
    const tenant = (await (await gateway.api("/v1/admin/tenants", json({ name: "audited-co" }))).json()) as {
      id: string;
    };
    expect((await gateway.api(`/v1/admin/tokens/${created.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await gateway.api(`/v1/admin/tenants/${tenant.id}`, { method: "DELETE" })).status).toBe(204);

    const admin = await gateway.store.tokens.findByHash(hashApiToken(TEST_TOKEN));
    const log = (await (await gateway.api("/v1/admin/audit")).json()) as AuditJson;
    expect(log.results.slice(0, 5).map((entry) => [entry.action, entry.target])).toEqual([
      ["tenants.delete", tenant.id],
      ["tokens.revoke", created.id],
      ["tenants.create", tenant.id],
      ["tokens.update", created.id],
      ["tokens.create", created.id],
    ]);
    for (const entry of log.results.slice(0, 5)) {
      expect(entry.actor_token_id).toBe(admin?.id);
      expect(entry.ip).toMatch(/127\.0\.0\.1/);
    }
    expect(log.results[3]?.detail).toEqual({ requests_per_minute: 10 });
    expect(JSON.stringify(log)).not.toContain(created.token);

    const only = (await (await gateway.api("/v1/admin/audit?action=tokens.revoke")).json()) as AuditJson;
    expect(only.results.every((entry) => entry.action === "tokens.revoke")).toBe(true);
    const other = await newToken("not-admin");
    expect((await other.api("/v1/admin/audit")).status).toBe(403);
  });
});

describe("/v1/usage", () => {
  it("reads the ledger: a token its own spend, an admin everyone's, by day, model or token", async () => {
    const alice = await newToken("usage-alice");
    const bob = await newToken("usage-bob");
    const run = async (who: typeof alice, model: string, input: Record<string, unknown>) => {
      const response = await who.api(`/v1/models/${model}/predictions`, {
        ...json({ input: { prompt: "a kite", width: 64, height: 64, ...input } }),
        headers: { "content-type": "application/json", prefer: "wait=30" },
      });
      return ((await response.json()) as { status: string }).status;
    };
    expect(await run(alice, "sim/image", { num_outputs: 2 })).toBe("succeeded");
    expect(await run(alice, "gengate/sturdy", {})).toBe("succeeded");
    expect(await run(bob, "sim/image", { fail: true })).toBe("failed");

    const usage = async (who: typeof alice | TestGateway, query: string) =>
      (await (await who.api(`/v1/usage?${query}`)).json()) as {
        total_usd: number;
        runs: number;
        results: Record<string, string | number>[];
      };
    // alice: 0.01 + 2 × 0.002 for two images; her alias ran a failed run (free) then a good one.
    const own = await until(async () => {
      const current = await usage(alice, "group_by=model");
      return current.runs === 3 ? current : undefined;
    });
    expect(own.total_usd).toBeCloseTo(0.014 + 0.012, 9);
    expect(own.results.map((row) => [row.model, row.runs])).toEqual([
      ["gengate/sturdy", 2],
      ["sim/image", 1],
    ]);
    expect((await usage(bob, "group_by=day")).results).toEqual([
      { day: new Date().toISOString().slice(0, 10), cost_usd: 0, runs: 1, unpriced_runs: 0 },
    ]);
    expect((await bob.api(`/v1/usage?token=${alice.id}`)).status).toBe(403);

    const byToken = await usage(gateway, "group_by=token");
    const row = (id: string) => byToken.results.find((entry) => entry.token === id);
    expect(row(alice.id)).toMatchObject({ runs: 3 });
    expect(row(bob.id)).toMatchObject({ runs: 1, cost_usd: 0 });
    expect((await usage(gateway, `group_by=model&token=${alice.id}`)).total_usd).toBeCloseTo(
      own.total_usd,
      9,
    );
    const bad = await gateway.api("/v1/usage?group_by=week");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { invalid_fields: { field: string }[] }).invalid_fields[0]?.field).toBe(
      "group_by",
    );
  });
});
