/**
 * The API behind the dashboard's predictions monitor, on SQLite and PostgreSQL: the list's filters
 * and search, bulk cancel and re-run, a prediction's webhook deliveries and its cost.
 */
import { expect, it } from "vitest";
import { newTenant, type Tenant, type TestGateway } from "./support/gateway.ts";
import { describeEachGateway } from "./support/gateway-backends.ts";
import { until } from "./support/until.ts";
import { startWebhookReceiver } from "./support/webhook-receiver.ts";

type Json = {
  id: string;
  status: string;
  model: string;
  input: Record<string, unknown>;
  created_at: string;
  gengate?: { cost_usd?: number };
};
type Page = { next: string | null; results: Json[] };
type Bulk = {
  dry_run: boolean;
  selected: number;
  done: number;
  failed: number;
  more: boolean;
  results: { id: string; status?: string; new_id?: string; error?: string }[];
};
type Problem = { status: number; invalid_fields?: { field: string; description: string }[] };

// One sim slot: a long prediction holds it and the ones after it stay queued.
describeEachGateway(
  "predictions monitor API",
  { GENGATE_SIM_CONCURRENCY: "1", GENGATE_ALLOW_PRIVATE_URLS: "1" },
  (gw) => {
    let tenant: Tenant;
    const gateway = (): TestGateway => gw();

    async function create(
      input: Record<string, unknown>,
      options: { wait?: boolean; token?: Tenant; webhook?: string } = {},
    ) {
      const fetcher = options.token?.api ?? gateway().api;
      const response = await fetcher("/v1/models/sim/image/predictions", {
        method: "POST",
        headers: options.wait === false ? {} : { prefer: "wait=10" },
        body: JSON.stringify({
          input: { width: 64, height: 64, ...input },
          ...(options.webhook && { webhook: options.webhook }),
        }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as Json;
    }

    async function list(query: string, fetcher = gateway().api): Promise<Page> {
      const response = await fetcher(`/v1/predictions?${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Page;
    }

    async function bulk(action: string, body: unknown, fetcher = gateway().api) {
      return fetcher(`/v1/predictions/${action}`, { method: "POST", body: JSON.stringify(body) });
    }

    it("combines search, status, model, provider, token and time range, and pages oldest first", async () => {
      tenant = await newTenant(gateway(), `tenant-${Date.now()}`);
      const from = new Date().toISOString();
      const harbour = [];
      for (let i = 0; i < 3; i++)
        harbour.push(await create({ prompt: `Misty Harbour number ${i}`, seed: i }));
      await create({ prompt: "a quiet meadow" });
      const theirs = await create({ prompt: "misty harbour of theirs" }, { token: tenant });
      const failed = await create({ prompt: "misty harbour that fails", fail: "boom" });
      expect(failed.status).toBe("failed");

      const ids = (page: Page) => page.results.map((p) => p.id);
      expect(ids(await list("q=harb"))).toEqual([
        failed.id,
        theirs.id,
        ...[...harbour].reverse().map((p) => p.id),
      ]);
      expect(
        ids(
          await list(`q=harbour+MISTY&status=succeeded&model=sim/image&provider=sim&created_after=${from}`),
        ),
      ).toEqual([theirs.id, ...[...harbour].reverse().map((p) => p.id)]);
      expect(ids(await list(`q=harbour&token=${tenant.id}`))).toEqual([theirs.id]);
      expect(ids(await list("q=harbour&provider=replicate"))).toEqual([]);
      expect(ids(await list(`q=harbour&created_before=${from}`))).toEqual([]);
      // a tenant sees only its own, and may name only itself
      expect(ids(await list("q=harbour", tenant.api))).toEqual([theirs.id]);
      expect(ids(await list(`q=harbour&token=${tenant.id}`, tenant.api))).toEqual([theirs.id]);

      // oldest first, 100 a page: the next link keeps every filter and the order
      for (let i = 0; i < 99; i++) await create({ prompt: `pager ${i}` }, { wait: false });
      const first = await list(`q=pager&sort=oldest&created_after=${from}`);
      expect(first.results).toHaveLength(99);
      expect(first.next).toBeNull();
      const all = await list(`q=pager+harbour+meadow&sort=oldest`);
      expect(all.results).toHaveLength(0);
      const pages: Json[] = [];
      let next: string | null = `${gateway().url}/v1/predictions?sort=oldest&created_after=${from}`;
      while (next) {
        const url = new URL(next);
        expect(url.searchParams.get("sort")).toBe("oldest");
        expect(url.searchParams.get("created_after")).toBe(from);
        const page = await list(url.search.slice(1));
        pages.push(...page.results);
        next = page.next;
      }
      expect(pages.length).toBe(3 + 1 + 1 + 1 + 99);
      const times = pages.map((p) => p.created_at);
      expect(times).toEqual([...times].sort());
      expect(new Set(pages.map((p) => p.id)).size).toBe(pages.length);
    });

    it("refuses a bad filter with 422 naming the field, and another token's filter to a tenant with 403", async () => {
      const bad: Record<string, string> = {
        status: "status=finished",
        provider: "provider=Not%20A%20Provider",
        token: "token=a%2Fb",
        created_after: "created_after=yesterday",
        created_before: "created_before=2025-13-01T00:00:00Z",
        q: "q=%21%21%21",
        sort: "sort=duration",
      };
      for (const [field, query] of Object.entries(bad)) {
        const response = await gateway().api(`/v1/predictions?${query}`);
        expect(response.status, field).toBe(422);
        const problem = (await response.json()) as Problem;
        expect(
          problem.invalid_fields?.map((f) => f.field),
          field,
        ).toEqual([field]);
      }
      const admin = await (await gateway().api("/v1/account")).json();
      const response = await tenant.api(`/v1/predictions?token=${admin.id ?? "someone"}`);
      expect(response.status).toBe(403);
      expect(((await response.json()) as Problem).invalid_fields?.[0]?.field).toBe("token");
    });

    it("bulk-cancels the queued predictions a filter selects, says how many, and is safe to repeat", async () => {
      const blocker = await create({ prompt: "a slow blocker", latency_ms: 60_000 }, { wait: false });
      const queued = [];
      for (let i = 0; i < 3; i++)
        queued.push(await create({ prompt: `queued lantern ${i}` }, { wait: false }));
      const done = await until(async () => {
        const page = await list(`q=blocker&status=processing`);
        return page.results.length === 1 ? page : undefined;
      });
      expect(done.results[0]?.id).toBe(blocker.id);
      const theirs = await create({ prompt: "their queued lantern" }, { wait: false, token: tenant });

      expect((await bulk("bulk-cancel", { limit: 10 })).status).toBe(422);
      expect((await bulk("bulk-cancel", { q: "lantern", limit: 0 })).status).toBe(422);
      // the tenant's selection holds its own prediction only
      const tenantPreview = (await (
        await bulk("bulk-cancel", { q: "lantern", token: tenant.id, dry_run: true }, tenant.api)
      ).json()) as Bulk;
      expect(tenantPreview.results.map((r) => r.id)).toEqual([theirs.id]);

      const preview = (await (
        await bulk("bulk-cancel", { q: "lantern", dry_run: true, limit: 2 })
      ).json()) as Bulk;
      expect(preview).toMatchObject({ dry_run: true, selected: 2, done: 0, more: true });
      const all = (await (await bulk("bulk-cancel", { q: "queued lantern", dry_run: true })).json()) as Bulk;
      expect(all.selected).toBe(4);
      expect((await list("q=lantern&status=canceled")).results).toEqual([]);

      const mine = queued.map((p) => p.id);
      const canceled = (await (await bulk("bulk-cancel", { ids: mine })).json()) as Bulk;
      expect(canceled).toMatchObject({ dry_run: false, selected: 3, done: 3, failed: 0, more: false });
      expect(canceled.results.map((r) => r.status)).toEqual(["canceled", "canceled", "canceled"]);
      expect((await list("q=lantern&status=canceled")).results.map((p) => p.id).sort()).toEqual(
        [...mine].sort(),
      );
      const again = (await (await bulk("bulk-cancel", { ids: mine })).json()) as Bulk;
      expect(again).toMatchObject({ selected: 0, done: 0 });
      // the tenant's queued one was not the admin's to select by ids either
      const byIds = (await (
        await bulk("bulk-cancel", { ids: [theirs.id, blocker.id] }, tenant.api)
      ).json()) as Bulk;
      expect(byIds.results.map((r) => r.id)).toEqual([theirs.id]);
      expect((await list(`q=blocker`)).results[0]?.status).toBe("processing");
      expect(((await (await bulk("bulk-cancel", { ids: [blocker.id] })).json()) as Bulk).done).toBe(1);
    });

    it("bulk re-runs the failed predictions a filter selects as new predictions of the caller", async () => {
      const failed = await create({ prompt: "a broken kettle", fail: "boom" });
      expect(failed.status).toBe("failed");
      const rerun = (await (await bulk("bulk-rerun", { q: "kettle", status: "failed" })).json()) as Bulk;
      expect(rerun).toMatchObject({ selected: 1, done: 1, failed: 0 });
      const newId = rerun.results[0]?.new_id ?? "";
      const again = (await (await gateway().api(`/v1/predictions/${newId}`)).json()) as Json;
      expect(again.input).toMatchObject({ prompt: "a broken kettle", fail: "boom" });
      expect((await list("q=kettle")).results.map((p) => p.id)).toContain(newId);
      expect(((await (await bulk("bulk-rerun", { q: "kettle" }, tenant.api)).json()) as Bulk).selected).toBe(
        0,
      );
    });

    it("lists a prediction's webhook deliveries to its owner, with attempts and the last error", async () => {
      const receiver = await startWebhookReceiver();
      receiver.respondWith = () => 500;
      try {
        const p = await create({ prompt: "hooked" }, { webhook: receiver.url });
        const deliveries = await until(async () => {
          const body = (await (await gateway().api(`/v1/predictions/${p.id}/webhooks`)).json()) as {
            results: {
              event: string;
              state: string;
              attempts: number;
              last_status: number | null;
              url: string;
            }[];
          };
          return body.results.some((d) => d.attempts > 0) ? body.results : undefined;
        });
        expect(deliveries[0]).toMatchObject({ event: "completed", url: receiver.url, last_status: 500 });
        expect((await tenant.api(`/v1/predictions/${p.id}/webhooks`)).status).toBe(404);
        const shown = (await (await gateway().api(`/v1/predictions/${p.id}`)).json()) as Json;
        expect(shown.gengate?.cost_usd).toBe(0);
      } finally {
        await receiver.close();
      }
    });
  },
);
