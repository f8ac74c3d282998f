/**
 * `/metrics` read by a real Prometheus text-format parser while real predictions run through a real
 * gateway (sim provider), on SQLite and on PostgreSQL: what it counts matches the database, its
 * labels never carry an id, an input or a token, and it answers only to the metrics token.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { UNFINISHED_STATES } from "../src/core/prediction.ts";
import { startGateway, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";
import { describeEachGateway } from "./support/gateway-backends.ts";
import { METRICS_TOKEN, type Scrape, scrape } from "./support/prometheus.ts";
import { until } from "./support/until.ts";
import { startWebhookReceiver } from "./support/webhook-receiver.ts";

const SUCCEEDING = 12;
const FAILING = 4;
const CANCELED = 3;
const SIM_SLOTS = 4;
const PROMPT_MARK = "zebra-lighthouse-7c1f";

interface Json {
  id: string;
  status: string;
  output: string[] | null;
}

const ended = (s: Scrape) => s.sum("gengate_predictions_total");

async function create(gateway: TestGateway, input: Record<string, unknown>, extra = {}, wait = false) {
  const response = await gateway.api("/v1/models/sim/image/predictions", {
    method: "POST",
    headers: wait ? { prefer: "wait=30" } : {},
    body: JSON.stringify({ input: { width: 64, height: 64, ...input }, ...extra }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Json;
}

async function statusOf(gateway: TestGateway, id: string): Promise<string> {
  return ((await (await gateway.api(`/v1/predictions/${id}`)).json()) as Json).status;
}

/** Rows counted in SQL, the way an operator would check the metrics against the database. */
async function countRows(gateway: TestGateway, where: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*) as n from predictions where ${sql.raw(where)}`.execute(gateway.store.database.db);
  return Number(rows[0]?.n);
}

describeEachGateway(
  "/metrics during a run of predictions",
  {
    GENGATE_METRICS_TOKEN: METRICS_TOKEN,
    GENGATE_SIM_CONCURRENCY: String(SIM_SLOTS),
    GENGATE_ALLOW_PRIVATE_URLS: "1",
  },
  (gateway) => {
    it("counts what the database holds: predictions by model, provider and status, their times, upstream calls and webhooks", async () => {
      const g = gateway();
      const receiver = await startWebhookReceiver();
      const scrapes: Scrape[] = [];
      let running = true;
      const scraping = (async () => {
        while (running) scrapes.push(await scrape(g.url));
      })();
      try {
        const webhook = { webhook: receiver.url, webhook_events_filter: ["completed"] };
        await Promise.all([
          ...Array.from({ length: SUCCEEDING }, (_, i) =>
            create(g, { prompt: `${PROMPT_MARK} ${i}` }, webhook, true),
          ),
          ...Array.from({ length: FAILING }, (_, i) =>
            create(g, { prompt: `fail ${i}`, fail: true }, {}, true),
          ),
        ]);
        const held = await Promise.all(
          Array.from({ length: CANCELED }, (_, i) =>
            create(g, { prompt: `cancel ${i}`, latency_ms: 60_000 }),
          ),
        );
        for (const { id } of held) {
          await until(async () => ((await statusOf(g, id)) === "processing" ? true : undefined));
          expect((await g.api(`/v1/predictions/${id}/cancel`, { method: "POST" })).status).toBe(200);
        }
        for (const { id } of held)
          await until(async () => ((await statusOf(g, id)) === "canceled" ? true : undefined));
      } finally {
        running = false;
        await scraping;
        await receiver.close();
      }
      expect(scrapes.length).toBeGreaterThan(1);
      // Counters only grow from one scrape to the next.
      const totals = scrapes.map(ended);
      expect(totals).toEqual([...totals].sort((a, b) => a - b));

      const total = SUCCEEDING + FAILING + CANCELED;
      await until(async () => (ended(await scrape(g.url)) === total ? true : undefined));
      const after = await until(async () => {
        const s = await scrape(g.url);
        return s.sum("gengate_webhook_deliveries_total", { result: "delivered" }) === SUCCEEDING
          ? s
          : undefined;
      });

      const states = await g.store.predictions.countByState();
      for (const status of ["succeeded", "failed", "canceled"] as const) {
        expect(after.sum("gengate_predictions_total", { status })).toBe(states[status]);
        expect(after.sum("gengate_predictions_total", { model: "sim/image", provider: "sim", status })).toBe(
          states[status],
        );
      }
      expect([states.succeeded, states.failed, states.canceled]).toEqual([SUCCEEDING, FAILING, CANCELED]);

      const started = await countRows(g, "started_at is not null");
      expect(after.sum("gengate_prediction_duration_seconds", { provider: "sim" })).toBe(total);
      expect(after.sum("gengate_prediction_running_seconds", { provider: "sim" })).toBe(started);
      expect(after.sum("gengate_prediction_queued_seconds", { provider: "sim" })).toBe(started);
      expect(after.bucket("gengate_prediction_duration_seconds", "+Inf", { model: "sim/image" })).toBe(total);
      expect(after.bucket("gengate_prediction_queued_seconds", "+Inf", { model: "sim/image" })).toBe(started);

      expect(
        after.sum("gengate_upstream_requests_total", { provider: "sim", operation: "start", outcome: "ok" }),
      ).toBe(started);
      expect(
        after.sum("gengate_upstream_requests_total", { provider: "sim", operation: "cancel", outcome: "ok" }),
      ).toBe(CANCELED);
      expect(
        after.sum("gengate_upstream_requests_total", { provider: "sim", operation: "status" }),
      ).toBeGreaterThan(0);

      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from webhook_deliveries where state = 'delivered'`.execute(g.store.database.db);
      expect(Number(rows[0]?.n)).toBe(after.sum("gengate_webhook_deliveries_total", { result: "delivered" }));

      const route = "/v1/models/:owner/:name/predictions";
      expect(after.sum("http_requests_total", { route, method: "POST", status: "201" })).toBe(
        SUCCEEDING + FAILING + CANCELED,
      );
      expect(after.sum("http_request_duration_seconds", { route, method: "POST" })).toBe(total);
      expect(after.sum("gengate_role", { role: "all" })).toBe(1);
      expect(after.family("process_cpu_user_seconds_total")?.type).toBe("COUNTER");
      expect(after.family("nodejs_eventloop_lag_seconds")?.type).toBe("GAUGE");
    });

    it("shows the queue by provider and state as the database holds it", async () => {
      const g = gateway();
      const held = await Promise.all(
        Array.from({ length: SIM_SLOTS + 2 }, (_, i) =>
          create(g, { prompt: `held ${i}`, latency_ms: 60_000 }),
        ),
      );
      await until(async () =>
        (await g.store.predictions.countByState("sim")).running === SIM_SLOTS ? true : undefined,
      );
      const during = await scrape(g.url);
      const rows = await g.store.predictions.countUnfinished();
      for (const state of UNFINISHED_STATES) {
        const inDatabase = rows.find((row) => row.provider === "sim" && row.state === state)?.count ?? 0;
        expect(during.sum("gengate_queue_depth", { provider: "sim", state })).toBe(inDatabase);
      }
      expect(during.sum("gengate_queue_depth", { provider: "sim", state: "running" })).toBe(SIM_SLOTS);
      expect(during.sum("gengate_queue_depth", { provider: "sim", state: "queued" })).toBe(2);

      for (const { id } of held) await g.api(`/v1/predictions/${id}/cancel`, { method: "POST" });
      for (const { id } of held)
        await until(async () => ((await statusOf(g, id)) === "canceled" ? true : undefined));
      const drained = await scrape(g.url);
      for (const state of UNFINISHED_STATES)
        expect(drained.sum("gengate_queue_depth", { provider: "sim", state })).toBe(0);
    });

    it("never carries a prediction id, an input or a token in a label", async () => {
      const g = gateway();
      const done = await create(g, { prompt: `${PROMPT_MARK} labels` }, {}, true);
      // Paths with ids, a file key, an unknown model and no route at all.
      await g.api(`/v1/predictions/${done.id}`);
      await g.api(`/v1/predictions/${done.id}/cancel`, { method: "POST" });
      await fetch(done.output?.[0] ?? "");
      await g.api("/v1/models/someone/model-nobody-has/predictions", {
        method: "POST",
        body: JSON.stringify({ input: { prompt: PROMPT_MARK } }),
      });
      await fetch(`${g.url}/v1/predictions/${done.id}`, {
        headers: { authorization: "Bearer gg_wrong_token_abcdef" },
      });
      await fetch(`${g.url}/no/such/${done.id}/path`);

      const s = await scrape(g.url);
      const values = s.labelValues();
      const ids = (
        await sql<{ id: string }>`select id from predictions`.execute(g.store.database.db)
      ).rows.map((row) => row.id);
      expect(ids.length).toBeGreaterThan(0);
      const fileKey = new URL(done.output?.[0] ?? "").pathname.split("/").pop() ?? "";
      const secrets = [
        ...ids,
        fileKey.split(".")[0] ?? "",
        PROMPT_MARK,
        "model-nobody-has",
        TEST_TOKEN,
        METRICS_TOKEN,
      ];
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(8);
        expect(values.filter((value) => value.includes(secret))).toEqual([]);
      }
      const routes = new Set(s.samples("http_requests_total").map((sample) => sample.labels?.route));
      expect(routes).toContain("/v1/predictions/:id");
      expect(routes).toContain("/files/:key");
      for (const route of routes) expect(route).toMatch(/^\/[a-z0-9/:*._-]*$/);
    });
  },
);

describe("/metrics is protected", () => {
  it("answers only to the metrics token, with a 401 naming it to anyone else", async () => {
    const gateway = await startGateway({ GENGATE_METRICS_TOKEN: METRICS_TOKEN });
    try {
      const refusals: Record<string, string>[] = [
        {},
        { authorization: "Bearer gg_not_the_metrics_token_0000" },
        { authorization: `Bearer ${TEST_TOKEN}` },
        { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString("base64")}` },
      ];
      for (const headers of refusals) {
        const response = await fetch(`${gateway.url}/metrics`, { headers });
        expect(response.status).toBe(401);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
        expect(await response.text()).toContain("GENGATE_METRICS_TOKEN");
      }
      expect((await scrape(gateway.url)).family("gengate_predictions_total")?.type).toBe("COUNTER");
      // /health stays open to load balancers.
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it("is off unless a token or a port is set, saying how to turn it on", async () => {
    const gateway = await startGateway();
    try {
      const response = await fetch(`${gateway.url}/metrics`, {
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
      });
      expect(response.status).toBe(404);
      expect(await response.text()).toMatch(/GENGATE_METRICS_TOKEN.*GENGATE_METRICS_PORT/);
    } finally {
      await gateway.close();
    }
  });

  it("moves to a port of its own on loopback, with nothing else there, and the token still asked if set", async () => {
    const open = await startGateway({ GENGATE_METRICS_PORT: "0" });
    const guarded = await startGateway({ GENGATE_METRICS_PORT: "0", GENGATE_METRICS_TOKEN: METRICS_TOKEN });
    try {
      expect(open.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const metricsUrl = open.metricsUrl ?? "";
      expect((await scrape(metricsUrl, undefined)).sum("gengate_role", { role: "all" })).toBe(1);
      expect((await fetch(`${metricsUrl}/metrics`)).headers.get("x-content-type-options")).toBe("nosniff");
      expect((await fetch(`${open.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${metricsUrl}/health`)).status).toBe(404);
      const authed = { headers: { authorization: `Bearer ${TEST_TOKEN}` } };
      expect((await fetch(`${metricsUrl}/v1/predictions`, authed)).status).toBe(404);

      const guardedUrl = guarded.metricsUrl ?? "";
      expect((await fetch(`${guardedUrl}/metrics`)).status).toBe(401);
      expect((await scrape(guardedUrl)).sum("gengate_role", { role: "all" })).toBe(1);
    } finally {
      await open.close();
      await guarded.close();
    }
  });
});
