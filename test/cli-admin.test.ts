/**
 * `gengate tokens`, `gengate tenants`, `gengate usage` and `gengate audit`, run as child processes
 * against a real gengate whose simulator charges a cent a run, so that budgets and the ledger fill.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, runCli } from "./support/cli-process.ts";
import { newTenant, startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";

const CENT_A_RUN = { pricing: { sim: { perRun: 0.01 } } };

let gateway: TestGateway;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  gateway = await startGatewayWithConfig(CENT_A_RUN);
  env = cliEnv({ GENGATE_URL: gateway.url, GENGATE_TOKEN: gateway.token });
});

afterAll(async () => {
  await gateway?.close();
});

async function gengate(...args: string[]) {
  const result = await runCli(args, { env });
  expect(result.code, `gengate ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result;
}

async function adminGet<T>(path: string): Promise<T> {
  const response = await gateway.api(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

interface TokenJson {
  id: string;
  scopes: string[];
  tenant: { name: string } | null;
  models: string[] | null;
  expires_at: string | null;
  ip_ranges: string[] | null;
  requests_per_minute: number | null;
  predictions_in_flight: number | null;
  budget: { usd: number; period: string; alert_at: number | null; alert_url: string | null } | null;
  budget_usage: { spent_usd: number; held_usd: number } | null;
}

/** Creates a token with the CLI; its id (from stderr) and secret (stdout). */
async function createToken(...args: string[]): Promise<{ id: string; secret: string }> {
  const { stdout, stderr } = await gengate("tokens", "create", ...args);
  const id = /created token (\S+)/.exec(stderr)?.[1] ?? "";
  expect(id).not.toBe("");
  return { id, secret: stdout.trim() };
}

function runSimImage(secret: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/models/sim/image/predictions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", prefer: "wait=10" },
    body: JSON.stringify({ input: { prompt: "a kettle", width: 64, height: 64 } }),
  });
}

describe("tokens and tenants", () => {
  it("creates a scoped token with limits and a budget in a tenant, which the server then holds it to", async () => {
    const tenant = await gengate(
      "tenants",
      "create",
      "acme",
      "--budget",
      "100",
      "--period",
      "month",
      "--rpm",
      "600",
    );
    expect(tenant.stdout).toMatch(/^budget\s+\$100\.00 a month$/m);
    expect(tenant.stdout).toMatch(/^requests\/min\s+600$/m);

    const before = Date.now();
    const { id, secret } = await createToken(
      "render-farm",
      ...["--scopes", "predictions:write,predictions:read", "--tenant", "acme", "--models", "sim/image"],
      ...["--expires", "30d", "--ip", "127.0.0.1/32,::1", "--rpm", "60", "--in-flight", "2"],
      ...[
        "--budget",
        "0.02",
        "--period",
        "day",
        "--alert-at",
        "0.5",
        "--alert-url",
        "https://example.com/hook",
      ],
    );
    expect(secret).toMatch(/^gg_\S+$/);
    const token = await adminGet<TokenJson>(`/v1/admin/tokens/${id}`);
    expect(token).toMatchObject({
      scopes: ["predictions:write", "predictions:read"],
      tenant: { name: "acme" },
      models: ["sim/image"],
      ip_ranges: ["127.0.0.1/32", "::1"],
      requests_per_minute: 60,
      predictions_in_flight: 2,
      budget: { usd: 0.02, period: "day", alert_at: 0.5, alert_url: "https://example.com/hook" },
    });
    const thirtyDays = 30 * 86_400_000;
    expect(Date.parse(token.expires_at ?? "") - before).toBeGreaterThanOrEqual(thirtyDays);
    expect(Date.parse(token.expires_at ?? "") - Date.now()).toBeLessThanOrEqual(thirtyDays);

    // Two runs at a cent fill the two-cent budget; the third is refused before it is sent.
    expect((await runSimImage(secret)).status).toBe(201);
    expect((await runSimImage(secret)).status).toBe(201);
    expect((await runSimImage(secret)).status).toBe(402);
    await expect
      .poll(async () => (await adminGet<TokenJson>(`/v1/admin/tokens/${id}`)).budget_usage)
      .toMatchObject({ spent_usd: 0.02, held_usd: 0 });

    const shown = await gengate("tokens", "show", id);
    expect(shown.stdout).toMatch(/^scopes\s+predictions:write, predictions:read$/m);
    expect(shown.stdout).toMatch(/^tenant\s+acme \(\S+\)$/m);
    expect(shown.stdout).toMatch(/^budget\s+\$0\.02 a day, alert at 50% to https:\/\/example\.com\/hook$/m);
    expect(shown.stdout).toMatch(
      /^budget usage\s+\$0\.02 spent, \$0\.00 held, \$0\.00 left \(since \S+, resets \S+\)$/m,
    );

    const listed = await gengate("tokens", "list");
    const row = listed.stdout.split("\n").find((line) => line.startsWith(id)) ?? "";
    expect(row).toContain("predictions:write,predictions:read");
    expect(row).toContain("acme");
    expect(row).toContain("models sim/image; 60 rpm; 2 in flight; ip 127.0.0.1/32,::1; expires");
    expect(row).toContain("$0.02 a day");
    expect(listed.stdout).not.toContain(secret);

    const tenantShown = await gengate("tenants", "show", "acme");
    expect(tenantShown.stdout).toMatch(/^budget usage\s+\$0\.02 spent, \$0\.00 held, \$99\.98 left/m);
    const tenants = await gengate("tenants", "list");
    expect(tenants.stdout).toMatch(/^\S+\s+acme\s+600 rpm\s+\$100\.00 a month$/m);
  });

  it("changes a token's limits, keeping the budget's other fields, and removes them with --no-*", async () => {
    const { id } = await createToken(
      "changing",
      "--models",
      "sim/image",
      "--budget",
      "5",
      "--period",
      "week",
    );
    await gengate(
      "tokens",
      "update",
      id,
      "--alert-at",
      "0.9",
      "--alert-url",
      "https://example.com/a",
      "--rpm",
      "30",
    );
    expect(await adminGet<TokenJson>(`/v1/admin/tokens/${id}`)).toMatchObject({
      models: ["sim/image"],
      requests_per_minute: 30,
      budget: { usd: 5, period: "week", alert_at: 0.9, alert_url: "https://example.com/a" },
    });

    const updated = await gengate("tokens", "update", id, "--budget", "8", "--no-models");
    expect(updated.stdout).toMatch(/^budget\s+\$8\.00 a week, alert at 90% to https:\/\/example\.com\/a$/m);
    expect(updated.stdout).toMatch(/^models\s+any$/m);

    await gengate("tokens", "update", id, "--no-alert");
    expect((await adminGet<TokenJson>(`/v1/admin/tokens/${id}`)).budget).toEqual({
      usd: 8,
      period: "week",
      alert_at: null,
      alert_url: null,
    });
    await gengate("tokens", "update", id, "--no-budget", "--no-rpm");
    expect(await adminGet<TokenJson>(`/v1/admin/tokens/${id}`)).toMatchObject({
      budget: null,
      requests_per_minute: null,
    });

    await gengate("tenants", "create", "short-lived");
    await gengate("tenants", "update", "short-lived", "--budget", "3", "--period", "day", "--in-flight", "4");
    const tenant = await adminGet<TokenJson>("/v1/admin/tenants/short-lived");
    expect(tenant).toMatchObject({ budget: { usd: 3, period: "day" }, predictions_in_flight: 4 });
  });

  it("revokes a token and deletes a tenant, and the audit log shows each admin action", async () => {
    await gengate("tenants", "create", "gone-soon");
    const { id, secret } = await createToken("temp", "--tenant", "gone-soon");
    const refused = await runCli(["tenants", "delete", "gone-soon"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("still has live tokens");

    expect((await gengate("tokens", "revoke", id)).stdout).toBe(`revoked token ${id}\n`);
    const models = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(models.status).toBe(401);
    expect((await gengate("tenants", "delete", "gone-soon")).stdout).toBe("deleted tenant gone-soon\n");

    const revokes = await gengate("audit", "--action", "tokens.revoke");
    const [header, ...rows] = revokes.stdout.trim().split("\n");
    expect(header).toMatch(/^time\s+action\s+target\s+by token\s+ip\s+detail$/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.split(/\s+/)[1] === "tokens.revoke")).toBe(true);
    expect(rows.some((row) => row.split(/\s+/)[2] === id)).toBe(true);

    const all = JSON.parse((await gengate("audit", "--json", "--limit", "3")).stdout) as { action: string }[];
    expect(all.map((entry) => entry.action)).toEqual(["tenants.delete", "tokens.revoke", "tokens.create"]);
  });

  it("creates, lists and revokes tokens in the local database, without a server", async () => {
    const local = cliEnv({});
    const dataDir = gateway.dataDir;
    const run = (...args: string[]) => runCli([...args, "--data-dir", dataDir], { env: local });
    const created = await run("tokens", "create", "break-glass", "--admin");
    expect(created.code, created.stderr).toBe(0);
    const id = /created token (\S+)/.exec(created.stderr)?.[1] ?? "";
    const listed = await run("tokens", "list");
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+break-glass\\s+all\\s+-\\s+-\\s+-\\s+-\\s+live$`, "m"),
    );
    // The running server sees it: one database.
    expect((await adminGet<TokenJson>(`/v1/admin/tokens/${id}`)).scopes).toContain("admin");
    expect((await run("tokens", "revoke", id)).stdout).toBe(`revoked token ${id}\n`);
  });
});

describe("gengate usage", () => {
  it("prints the ledger grouped by day, model or token, with a total", async () => {
    const { id, secret } = await createToken("spender");
    for (let run = 0; run < 3; run++) expect((await runSimImage(secret)).status).toBe(201);
    await expect.poll(async () => (await adminGet<{ runs: number }>(`/v1/usage?token=${id}`)).runs).toBe(3);

    const byModel = await gengate("usage", "--group-by", "model", "--for-token", id, "--since", "1d");
    const lines = byModel.stdout.trim().split("\n");
    expect(lines[1]).toMatch(/^model\s+runs\s+unpriced\s+cost$/);
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^sim\/image\s+3\s+0\s+\$0\.03$/),
      expect.stringMatching(/^total\s+3\s+0\s+\$0\.03$/),
    ]);

    const today = new Date().toISOString().slice(0, 10);
    const byDay = await gengate("usage", "--for-token", id);
    expect(byDay.stdout).toMatch(new RegExp(`^${today}\\s+3\\s+0\\s+\\$0\\.03$`, "m"));

    const byToken = JSON.parse((await gengate("usage", "--group-by", "token", "--json")).stdout) as {
      results: { token: string; runs: number }[];
      runs: number;
    };
    expect(byToken.results).toContainEqual(expect.objectContaining({ token: id, runs: 3 }));
    expect(byToken.runs).toBe(byToken.results.reduce((sum, row) => sum + row.runs, 0));

    const untilYesterday = await gengate("usage", "--for-token", id, "--until", "1d");
    expect(untilYesterday.stdout).toMatch(/^total\s+0\s+0\s+\$0\.00$/m);
  });

  it("shows a non-admin only its own spend, and refuses it the admin commands", async () => {
    const visitor = await newTenant(gateway, "visitor");
    const own = cliEnv({ GENGATE_URL: gateway.url, GENGATE_TOKEN: visitor.token });
    const usage = await runCli(["usage", "--group-by", "token", "--json"], { env: own });
    expect(usage.code, usage.stderr).toBe(0);
    expect((JSON.parse(usage.stdout) as { runs: number }).runs).toBe(0);
    const tokens = await runCli(["tokens", "list"], { env: own });
    expect(tokens.code).toBe(1);
    expect(tokens.stderr).toMatch(/^gengate: .*\(HTTP 403\)/);
  });
});

describe("bad flags", () => {
  it.each([
    [
      ["tokens", "create", "x", "--rpm", "ten"],
      "option '--rpm <n>' argument 'ten' is invalid. must be a whole number",
    ],
    [["tokens", "create", "x", "--scopes", "predictions:write,everything"], "everything is not a scope"],
    [["tokens", "create", "x", "--ip", "10.0.0.0/33"], "'--ip <ranges>' argument '10.0.0.0/33' is invalid"],
    [["tokens", "create", "x", "--expires", "soon"], "'--expires <when>' argument 'soon' is invalid"],
    [["tokens", "create", "x", "--budget", "-3"], "'--budget <usd>' argument '-3' is invalid"],
    [["tokens", "create", "x", "--budget", "5"], "--budget needs --period day, week or month"],
    [
      ["tokens", "create", "x", "--period", "yearly"],
      "'--period <period>' argument 'yearly' is invalid. must be one of day, week, month",
    ],
    [["tokens", "create", "x", "--alert-at", "0.8"], "need a budget: add --budget <usd>"],
    [
      ["tokens", "create", "x", "--budget", "5", "--period", "day", "--alert-at", "80"],
      "'--alert-at <fraction>' argument '80' is invalid",
    ],
    [
      ["tokens", "create", "x", "--alert-url", "ftp://x"],
      "'--alert-url <url>' argument 'ftp://x' is invalid",
    ],
    [["tokens", "update", "someid"], "nothing to change"],
    [["tokens", "update", "someid", "--no-budget", "--period", "day"], "--no-budget removes the budget"],
    [["tokens", "create", "x", "--local", "--rpm", "5"], "--rpm needs the admin API of a running gengate"],
    [["tenants", "create", "x", "--in-flight", "0"], "'--in-flight <n>' argument '0' is invalid"],
    [
      ["usage", "--group-by", "week"],
      "'--group-by <group>' argument 'week' is invalid. Allowed choices are day, model, token",
    ],
    [["usage", "--since", "yesterday"], "'--since <when>' argument 'yesterday' is invalid"],
    [["audit", "--limit", "0"], "'--limit <n>' argument '0' is invalid"],
  ])("gengate %j", async (args, message) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it("passes the server's refusal on, naming the field", async () => {
    const result = await runCli(["tokens", "create", "x", "--tenant", "nobody"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("gengate: no tenant nobody (HTTP 404)\n");
  });
});
