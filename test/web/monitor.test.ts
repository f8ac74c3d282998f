import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { newTenant, startGatewayWithConfig, type Tenant, type TestGateway } from "../support/gateway.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

const sim = { provider: "sim", model: "sim/image", params: { negative_prompt: null } };
const CONFIG = {
  models: {
    // The first target fails the run (the input asks it to), the second one runs; a negative
    // prompt, which neither takes, is dropped with a warning.
    sturdy: { onUnsupported: "drop", targets: [sim, { ...sim, input: { fail: false } }] },
  },
  pricing: { sim: { perRun: 0.002 } },
};

let gateway: TestGateway;
let browser: Browser;
let receiver: WebhookReceiver;
let tenant: Tenant;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  // One sim slot: a slow prediction holds it and those created after it stay queued.
  [gateway, browser, receiver] = await Promise.all([
    startGatewayWithConfig(CONFIG, { GENGATE_SIM_CONCURRENCY: "1", GENGATE_ALLOW_PRIVATE_URLS: "1" }),
    launchBrowser(),
    startWebhookReceiver(),
  ]);
  tenant = await newTenant(gateway, "tenant");
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await receiver?.close();
});

type Json = { id: string; status: string; urls: Record<string, string> };

async function create(model: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const queued = input.latency_ms !== undefined || extra.queued === true;
  const response = await gateway.api(`/v1/models/${model}/predictions`, {
    method: "POST",
    headers: queued ? {} : { prefer: "wait=10" },
    body: JSON.stringify({
      input: { width: 64, height: 64, ...input },
      ...(extra.webhook ? { webhook: extra.webhook } : {}),
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Json;
}

async function open(token = gateway.token): Promise<void> {
  ({ context, page } = await signedInPage(browser, gateway.url, token));
}

const rowIds = () =>
  page.locator("#predictions tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id")));
const listStatus = () => page.locator("#list-status").textContent();

describe("predictions list", () => {
  it("finds a prediction by a word of its prompt, or by the start of one", async () => {
    const lighthouse = await create("sim/image", { prompt: "A lighthouse in a winter storm" });
    await create("sim/image", { prompt: "a meadow in spring" });
    await create("sim/image", { prompt: "lights of the city" });
    await open();
    await page.goto("/predictions");
    await page.getByLabel("Search prompts").fill("LIGHTHOUSE storm");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/q=LIGHTHOUSE/);
    await expect.poll(rowIds).toEqual([lighthouse.id]);
    await page.getByLabel("Search prompts").fill("lighthou");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/q=lighthou(&|$)/);
    await expect.poll(rowIds).toEqual([lighthouse.id]);
  });

  it("combines status, search, provider, time range and order, and keeps them across the tabs", async () => {
    const before = new Date(Date.now() - 60_000);
    const first = await create("sim/image", { prompt: "harbour at dawn", fail: "boom" });
    const second = await create("sim/image", { prompt: "harbour at noon", fail: "boom" });
    const succeeded = await create("sim/image", { prompt: "harbour at dusk" });
    await open();
    // datetime-local holds the browser's local time, minutes only
    const local = new Date(before.getTime() - before.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.goto("/predictions?status=failed");
    await page.getByLabel("Search prompts").fill("harbour");
    await page.getByLabel("Provider").fill("sim");
    await page.getByLabel("Created from").fill(local);
    await page.getByLabel("Order").selectOption("oldest");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/sort=oldest/);
    await expect.poll(rowIds).toEqual([first.id, second.id]);

    await page.getByRole("navigation", { name: "Status" }).getByRole("link", { name: "Succeeded" }).click();
    await page.waitForURL(/status=succeeded/);
    await expect.poll(rowIds).toEqual([succeeded.id]);
    expect(await page.getByLabel("Search prompts").inputValue()).toBe("harbour");

    await page.getByLabel("Provider").fill("replicate");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/provider=replicate/);
    await expect.poll(listStatus).toBe("No predictions match.");
  });

  it("offers the token filter to an admin only, and shows a tenant its own predictions", async () => {
    const response = await tenant.api("/v1/models/sim/image/predictions", {
      method: "POST",
      headers: { prefer: "wait=10" },
      body: JSON.stringify({ input: { prompt: "the tenant's orchard", width: 64, height: 64 } }),
    });
    const theirs = (await response.json()) as Json;
    await open();
    await page.goto(`/predictions?token=${tenant.id}`);
    await expect.poll(rowIds).toEqual([theirs.id]);
    expect(await page.getByLabel("Token id").inputValue()).toBe(tenant.id);
    await context.close();
    await open(tenant.token);
    await page.goto("/predictions");
    await expect.poll(rowIds).toEqual([theirs.id]);
    expect(await page.getByLabel("Token id").count()).toBe(0);
  });

  it("bulk-cancels the queued predictions the filters select, after confirming how many", async () => {
    const blocker = await create("sim/image", { prompt: "a slow blocker", latency_ms: 60_000 });
    const queued: string[] = [];
    for (let i = 0; i < 3; i++)
      queued.push((await create("sim/image", { prompt: `paper lantern ${i}` }, { queued: true })).id);
    await open();
    await page.goto("/predictions?q=lantern");
    await expect.poll(async () => (await rowIds()).length).toBe(3);

    const cancelMatching = page.getByRole("button", { name: "Cancel matching" });
    const dialog = page.getByRole("dialog");
    await cancelMatching.click();
    await expect.poll(() => dialog.textContent()).toContain("Cancel 3 predictions?");
    await dialog.getByRole("button", { name: "Back" }).click();
    await dialog.waitFor({ state: "hidden" });
    const untouched = (await (await gateway.api("/v1/predictions?q=lantern&status=canceled")).json()) as {
      results: Json[];
    };
    expect(untouched.results).toEqual([]);

    await cancelMatching.click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(listStatus).toBe("Canceled 3 of 3 predictions.");
    await expect
      .poll(() => page.locator("#predictions tbody .badge").allTextContents())
      .toEqual(["canceled", "canceled", "canceled"]);
    for (const id of queued) {
      expect(((await (await gateway.api(`/v1/predictions/${id}`)).json()) as Json).status).toBe("canceled");
    }
    await gateway.api(`/v1/predictions/${blocker.id}/cancel`, { method: "POST" });
  });
});

describe("prediction page", () => {
  it("shows the route taken with reasons, the warnings, the cost and the webhook deliveries", async () => {
    receiver.respondWith = () => 500;
    const prediction = await create(
      "gengate/sturdy",
      { prompt: "a sturdy bridge", negative_prompt: "fog", fail: "first target broke" },
      { webhook: receiver.url },
    );
    expect(prediction.status).toBe("succeeded");
    await receiver.waitFor(1);
    await open();
    await page.goto(prediction.urls.web ?? "");
    const details = page.getByRole("region", { name: "Route, cost and webhooks" });
    const route = details.getByRole("list", { name: "Route" }).getByRole("listitem");
    await expect.poll(() => route.allTextContents()).toHaveLength(2);
    const [failed, ran] = await route.allTextContents();
    expect(failed).toMatch(/^failed sim sim\/image — .*first target broke/);
    expect(ran).toMatch(/^ran sim sim\/image/);
    const warnings = page.getByRole("region", { name: "Run" }).getByRole("list", { name: "Warnings" });
    expect(await warnings.textContent()).toContain("negative_prompt dropped");
    expect(await details.textContent()).toContain("$0.0020");
    const deliveries = details.getByRole("region", { name: "Webhook deliveries" }).locator("tbody tr");
    await expect.poll(() => deliveries.count()).toBeGreaterThan(0);
    const cells = await deliveries.first().locator("td").allTextContents();
    expect(cells.slice(0, 4)).toEqual([
      "completed",
      expect.stringMatching(/pending|failed/),
      expect.any(String),
      "500",
    ]);
  });
});
