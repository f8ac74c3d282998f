/**
 * The batches pages in Chromium: a CSV dropped on the page is read by the rules of `gengate batch`,
 * started, and its thumbnails arrive one by one on the batch's page; the zip downloads through the
 * session; a failed item can be retried; a bad file is refused naming its line.
 */
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BatchJson } from "../../src/core/batch-json.ts";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { zipNames } from "../support/zip-names.ts";

let gateway: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ GENGATE_SIM_LATENCY: "300" }), launchBrowser()]);
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

async function openBatches(): Promise<void> {
  ({ context, page } = await signedInPage(browser, gateway.url, gateway.token));
  await page.goto("/batches");
}

async function chooseFile(name: string, text: string): Promise<void> {
  await page.getByLabel("Choose a batch file").setInputFiles({
    name,
    mimeType: "text/plain",
    buffer: Buffer.from(text),
  });
}

const batchIdOf = (url: string) => new URL(url).pathname.replace("/batches/", "");

describe("batches", () => {
  it("starts a batch from a CSV and shows each thumbnail as its item finishes, then the zip", async () => {
    await openBatches();
    await chooseFile("prompts.csv", "prompt,seed\na red fox,1\na lighthouse,2\na boat,3\na harbour,4\n");
    const items = page.getByRole("list", { name: "Items in the file" });
    await items.getByRole("listitem").first().waitFor();
    expect(await items.getByRole("listitem").allTextContents()).toEqual([
      "a red fox",
      "a lighthouse",
      "a boat",
      "a harbour",
    ]);
    expect(await page.getByRole("status").first().textContent()).toBe("4 items in prompts.csv.");
    await page.getByLabel("Model").selectOption("sim/image");
    await page.getByLabel("Parameters for every item (JSON)").fill('{"width": 64, "height": 64}');
    await page.getByLabel("Concurrency").fill("1");
    await page.getByRole("button", { name: "Start the batch" }).click();
    await page.waitForURL(/\/batches\/[a-z0-9]+$/);
    const id = batchIdOf(page.url());

    // How many thumbnails the grid showed, each time it changed.
    const grid = page.getByRole("list", { name: "Items" });
    await grid.evaluate((element) => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      const count = () => element.querySelectorAll("img").length;
      seen.push(count());
      new MutationObserver(() => {
        if (count() !== seen.at(-1)) seen.push(count());
      }).observe(element, { subtree: true, childList: true });
    });
    const status = page.getByRole("status");
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain("completed");
    expect(await status.textContent()).toContain("4 of 4 finished · 4 succeeded · 0 failed");
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    expect(seen.at(-1)).toBe(4);
    expect(seen.length, `thumbnails arrived one by one: ${seen.join(", ")}`).toBeGreaterThanOrEqual(3);
    const thumbnails = grid.getByRole("img");
    expect(await thumbnails.count()).toBe(4);
    await expect
      .poll(() =>
        thumbnails.evaluateAll((imgs) => imgs.every((img) => (img as HTMLImageElement).naturalWidth === 64)),
      )
      .toBe(true);

    const saved = (await (await gateway.api(`/v1/batches/${id}`)).json()) as BatchJson;
    expect(saved).toMatchObject({ status: "completed", concurrency: 1, counts: { succeeded: 4 } });
    expect(saved.items?.map((item) => item.model)).toEqual([
      "sim/image",
      "sim/image",
      "sim/image",
      "sim/image",
    ]);

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download the zip" }).click();
    const file = await (await download).path();
    expect((await zipNames(readFileSync(file))).sort()).toEqual(
      saved.items?.flatMap((item) => item.outputs.map((output) => output.name)).sort(),
    );

    await page.goto("/batches");
    const row = page.getByRole("row").filter({ hasText: id });
    await expect.poll(() => row.textContent()).toContain("4 of 4 succeeded");
  });

  it("shows a failed item's reason and runs it again on Retry failed items", async () => {
    await openBatches();
    await chooseFile("mixed.jsonl", '{"prompt": "fine"}\n{"prompt": "broken", "fail": "GPU on fire"}\n');
    await page.getByLabel("Parameters for every item (JSON)").fill('{"width": 64, "height": 64}');
    await page.getByRole("button", { name: "Start the batch" }).click();
    await page.waitForURL(/\/batches\/[a-z0-9]+$/);
    const id = batchIdOf(page.url());
    const status = page.getByRole("status");
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toContain("completed");
    expect(await status.textContent()).toContain("1 succeeded · 1 failed");
    const failed = page.getByRole("listitem").filter({ hasText: "#2" });
    expect(await failed.textContent()).toContain("GPU on fire");
    const before = (await (await gateway.api(`/v1/batches/${id}`)).json()) as BatchJson;

    await page.getByRole("button", { name: "Retry failed items" }).click();
    await expect
      .poll(async () => {
        const batch = (await (await gateway.api(`/v1/batches/${id}`)).json()) as BatchJson;
        return batch.items?.[1]?.prediction_id;
      })
      .not.toBe(before.items?.[1]?.prediction_id);
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/completed.*1 failed/);
  });

  it("refuses a bad file naming its line, and a file that is no batch file, creating nothing", async () => {
    const batchCount = async () =>
      ((await (await gateway.api("/v1/batches")).json()) as { results: unknown[] }).results.length;
    const before = await batchCount();
    await openBatches();
    await chooseFile("bad.csv", "prompt,seed\na,1\nb\n");
    const alert = page.getByRole("alert");
    await expect
      .poll(() => alert.textContent())
      .toBe("bad.csv line 3: Invalid Record Length: columns length is 2, got 1");
    expect(await page.getByRole("button", { name: "Start the batch" }).isDisabled()).toBe(true);

    await chooseFile("photo.png", "not a batch");
    expect(await alert.textContent()).toBe(
      '"photo.png" is not a batch file: use a .csv, .json, .jsonl or .txt file.',
    );
    expect(await page.getByRole("button", { name: "Start the batch" }).isDisabled()).toBe(true);
    expect(await batchCount()).toBe(before);
  });

  it("answers 404 with a message for a batch that is not the user's", async () => {
    ({ context, page } = await signedInPage(browser, gateway.url, gateway.token));
    const response = await page.goto("/batches/nosuchbatch");
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Batch not found");
  });
});
