/** The predictions list and a prediction's page (`urls.web`) in Chromium; escaping; tenant boundaries. */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../../src/core/api-tokens.ts";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const OTHER_TOKEN = "gg_web_other_tenant_token_0123456789";
const HOSTILE = "<img src=x onerror=alert(1)>";

let gateway: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dialogs: string[];

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
  await gateway.store.tokens.create({ name: "other", tokenHash: hashApiToken(OTHER_TOKEN), isAdmin: false });
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

type Json = { id: string; status: string; model: string; urls: Record<string, string>; output: unknown };

/** Creates a prediction and, unless it is meant to be slow, waits until it ends. */
async function create(model: string, input: Record<string, unknown>, token = gateway.token): Promise<Json> {
  const wait: Record<string, string> = input.latency_ms ? {} : { prefer: "wait=10" };
  const response = await fetch(`${gateway.url}/v1/models/${model}/predictions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...wait },
    body: JSON.stringify({ input }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Json;
}

async function open(token = gateway.token): Promise<void> {
  ({ context, page } = await signedInPage(browser, gateway.url, token));
  dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}

const rows = () => page.locator("#predictions tbody tr");
const rowIds = () => rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id")));
const listStatus = () => page.locator("#list-status").textContent();

describe("prediction page", () => {
  it("opens from urls.web with the input, the image, the timeline and the logs", async () => {
    const prediction = await create("sim/image", { prompt: "a red barn", width: 96, height: 64, seed: 4 });
    await open();
    await page.goto(prediction.urls.web ?? "");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(`Prediction ${prediction.id}`);
    const input = page.getByRole("region", { name: "Input" });
    expect(await input.locator("dd").first().textContent()).toBe("a red barn");
    const run = page.getByRole("region", { name: "Run" });
    expect(await run.getByRole("status").textContent()).toContain("succeeded");
    const image = run.getByRole("img", { name: "Output" });
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
    expect(await run.locator(".timeline").textContent()).toMatch(
      /Created.*Started.*in queue.*Completed.*running/s,
    );
    expect(await run.getByLabel("Logs").textContent()).toContain("Using seed: 4");
  });

  it("says when a prediction's data was removed, instead of an empty output", async () => {
    const prediction = await create("sim/image", {
      prompt: "a barn that goes",
      width: 64,
      height: 64,
      seed: 9,
    });
    const removed = await fetch(`${gateway.url}/v1/predictions/${prediction.id}/files`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${gateway.token}` },
    });
    expect(removed.status).toBe(200);
    await open();
    await page.goto(prediction.urls.web ?? "");
    const run = page.getByRole("region", { name: "Run" });
    await expect.poll(() => run.textContent()).toContain("output, logs and files were removed");
    expect(await run.getByRole("img", { name: "Output" }).count()).toBe(0);
    await page.goto(`${gateway.url}/predictions`);
    await expect
      .poll(() => page.locator(`tr[data-id="${prediction.id}"] .prompt`).textContent())
      .toBe("(data removed)");
  });

  it("shows a text model's tokens as one text", async () => {
    const prediction = await create("sim/text", { prompt: "Tell a short story", max_tokens: 12, seed: 5 });
    await open();
    await page.goto(prediction.urls.web ?? "");
    const text = page.getByRole("region", { name: "Run" }).getByLabel("Output text");
    expect(await text.textContent()).toBe((prediction.output as string[]).join(""));
    expect(await text.count()).toBe(1);
  });

  it("follows a running prediction until its image is ready", async () => {
    const prediction = await create("sim/image", {
      prompt: "soon",
      width: 64,
      height: 64,
      latency_ms: 4_000,
    });
    await open();
    await page.goto(`/p/${prediction.id}`);
    const run = page.getByRole("region", { name: "Run" });
    expect(await run.getByRole("status").textContent()).toMatch(/starting|processing/);
    expect(await run.getByRole("img").count()).toBe(0);
    await expect
      .poll(() => run.getByRole("status").textContent(), { timeout: 10_000 })
      .toContain("succeeded");
    await expect
      .poll(() =>
        run.getByRole("img", { name: "Output" }).evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBe(64);
    expect(await run.getByLabel("Logs").textContent()).toMatch(/ 20\/20 \[/);
  });

  it("cancels a running prediction", async () => {
    const prediction = await create("sim/image", {
      prompt: "slow",
      width: 64,
      height: 64,
      latency_ms: 60_000,
    });
    await open();
    await page.goto(`/p/${prediction.id}`);
    const run = page.getByRole("region", { name: "Run" });
    expect(await run.getByRole("status").textContent()).toMatch(/starting|processing/);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => run.getByRole("status").textContent()).toContain("canceled");
    expect(await page.getByRole("button", { name: "Cancel" }).isHidden()).toBe(true);
    const saved = (await (await gateway.api(`/v1/predictions/${prediction.id}`)).json()) as Json;
    expect(saved.status).toBe("canceled");
  });

  it("re-runs with the same input, and loads it into the playground", async () => {
    const prediction = await create("sim/image", { prompt: "again please", width: 64, height: 80 });
    await open();
    await page.goto(`/p/${prediction.id}`);
    await page.getByRole("button", { name: "Re-run" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/p/") && !url.pathname.endsWith(prediction.id));
    const againId = new URL(page.url()).pathname.slice(3);
    const again = (await (await gateway.api(`/v1/predictions/${againId}`)).json()) as { input: unknown };
    expect(again.input).toMatchObject({ prompt: "again please", width: 64, height: 80 });

    await page.getByRole("link", { name: "Load into playground" }).click();
    await page.waitForURL("**/playground?model=sim%2Fimage");
    expect(await page.getByLabel("Model").inputValue()).toBe("sim/image");
    await expect
      .poll(() => page.getByRole("textbox", { name: "Prompt", exact: true }).inputValue())
      .toBe("again please");
    expect(await page.getByRole("spinbutton", { name: "Height" }).inputValue()).toBe("80");
  });
});

describe("predictions list", () => {
  it("filters by status tab, model and id, and pages with Load more", async () => {
    const failed = await create("sim/image", { prompt: "doomed", width: 64, height: 64, fail: "it broke" });
    const text = await create("sim/text", { prompt: "a text", max_tokens: 3 });
    for (let i = 0; i < 101; i++) await create("sim/image", { prompt: `filler ${i}`, width: 64, height: 64 });
    await open();
    await page.goto("/predictions");
    await expect.poll(() => rows().count()).toBe(100);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows().count()).toBeGreaterThan(100);
    const all = await rowIds();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain(failed.id);

    await page.getByRole("navigation", { name: "Status" }).getByRole("link", { name: "Failed" }).click();
    await page.waitForURL("**/predictions?status=failed");
    await expect.poll(rowIds).toContain(failed.id);
    const statuses = await rows().locator(".badge").allTextContents();
    expect(new Set(statuses)).toEqual(new Set(["failed"]));

    await page.getByRole("navigation", { name: "Status" }).getByRole("link", { name: "All" }).click();
    await page.getByLabel("Model").selectOption("sim/text");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/model=sim%2Ftext/);
    await expect.poll(rowIds).toContain(text.id);
    const models = await rows().locator("td:nth-child(2)").allTextContents();
    expect(new Set(models)).toEqual(new Set(["sim/text"]));

    await page.goto("/predictions");
    await page.getByLabel("Search by id").fill(failed.id);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(rowIds).toEqual([failed.id]);
    await page.getByLabel("Search by id").fill("no-such-prediction");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(listStatus).toBe("No prediction no-such-prediction is yours to see.");
  });

  it("shows new predictions and status changes live, without a reload", async () => {
    await open();
    await page.goto("/predictions");
    await page
      .locator("#list-status")
      .filter({ hasText: /shown|No predictions/ })
      .waitFor();
    const { id } = await create("sim/image", { prompt: "live", width: 64, height: 64, latency_ms: 60_000 });
    const badge = page.locator(`tr[data-id="${id}"] .badge`);
    await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(1);
    expect(await badge.textContent()).toMatch(/starting|processing/);
    await gateway.api(`/v1/predictions/${id}/cancel`, { method: "POST" });
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe("canceled");
  });
});

describe("escaping", () => {
  it("shows a hostile prompt and error as text on the playground, the list and the prediction page", async () => {
    await open();
    await page.getByLabel("Model").selectOption("sim/image");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(HOSTILE);
    await page.getByRole("textbox", { name: "Fail" }).fill(HOSTILE);
    await page.getByRole("button", { name: "Run" }).click();
    const result = page.getByRole("region", { name: "Result" });
    await expect
      .poll(() => result.getByRole("status").textContent(), { timeout: 10_000 })
      .toContain("failed");
    expect(await result.getByRole("alert").textContent()).toBe(HOSTILE);
    const href =
      (await result.getByRole("link", { name: "Open the prediction page" }).getAttribute("href")) ?? "";

    await page.goto("/predictions");
    const id = href.slice(3);
    await expect.poll(() => page.locator(`tr[data-id="${id}"] td.prompt`).textContent()).toBe(HOSTILE);

    await page.goto(href);
    expect(await page.getByRole("region", { name: "Input" }).locator("dd").first().textContent()).toBe(
      HOSTILE,
    );
    expect(await page.getByRole("region", { name: "Run" }).getByRole("alert").textContent()).toBe(HOSTILE);

    await page.getByRole("link", { name: "Load into playground" }).click();
    await expect
      .poll(() => page.getByRole("textbox", { name: "Prompt", exact: true }).inputValue())
      .toBe(HOSTILE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});

describe("tenants", () => {
  it("a second, non-admin token sees none of the first token's predictions", async () => {
    const mine = await create("sim/image", { prompt: "the admin's", width: 64, height: 64 });
    const theirs = await create("sim/image", { prompt: "the other's", width: 64, height: 64 }, OTHER_TOKEN);
    await open(OTHER_TOKEN);
    await page.goto("/predictions");
    await expect.poll(rowIds).toEqual([theirs.id]);
    await page.getByLabel("Search by id").fill(mine.id);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(listStatus).toBe(`No prediction ${mine.id} is yours to see.`);
    const response = await page.goto(`/p/${mine.id}`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Prediction not found");
    expect(await page.content()).not.toContain("the admin's");
    const apiCall = await page.evaluate(
      async (id) => (await fetch(`/ui/api/v1/predictions/${id}`)).status,
      mine.id,
    );
    expect(apiCall).toBe(404);
  });
});
