/** Compare in Chromium: one input on two to four models, each column live on its own. */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe("compare", () => {
  it("runs the same input on sim/image and sim/text side by side", async () => {
    ({ context, page } = await signedInPage(browser, gateway.url, gateway.token));
    await page.goto("/compare");
    await page.getByLabel("Model 1").selectOption("sim/image");
    await page.getByLabel("Model 2").selectOption("sim/text");
    await page.getByLabel("Prompt").fill("a lighthouse in the fog");
    await page.getByLabel("More input as JSON").fill(JSON.stringify({ seed: 5 }));
    await page.getByRole("button", { name: "Run on every model" }).click();

    const image = page.getByRole("region", { name: "sim/image" });
    const text = page.getByRole("region", { name: "sim/text" });
    await expect
      .poll(() => image.getByRole("status").textContent(), { timeout: 10_000 })
      .toContain("succeeded");
    await expect
      .poll(() => text.getByRole("status").textContent(), { timeout: 10_000 })
      .toContain("succeeded");
    await expect
      .poll(() =>
        image.getByRole("img", { name: "Output" }).evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBeGreaterThan(0);
    expect((await text.getByLabel("Output text").textContent())?.length).toBeGreaterThan(0);
    // Side by side on a wide screen.
    const [left, right] = await Promise.all([image.boundingBox(), text.boundingBox()]);
    expect(right?.x).toBeGreaterThan((left?.x ?? 0) + (left?.width ?? 0) - 1);
    expect(right?.y).toBe(left?.y);

    const { results } = (await (await gateway.api("/v1/predictions")).json()) as {
      results: Array<{ model: string; input: Record<string, unknown> }>;
    };
    const byModel = Object.fromEntries(results.slice(0, 2).map((p) => [p.model, p.input]));
    expect(byModel).toEqual({
      "sim/image": expect.objectContaining({ prompt: "a lighthouse in the fog", seed: 5 }),
      "sim/text": expect.objectContaining({ prompt: "a lighthouse in the fog", seed: 5 }),
    });
  });

  it("takes up to four models, and shows each model's refusal in its own column", async () => {
    ({ context, page } = await signedInPage(browser, gateway.url, gateway.token));
    await page.goto("/compare");
    const add = page.getByRole("button", { name: "Add a model" });
    await add.click();
    await add.click();
    expect(await add.isHidden()).toBe(true);
    await page.getByLabel("Model 3").selectOption("sim/image");
    await page.getByLabel("Model 4").selectOption("sim/text");
    await page.getByRole("button", { name: "Remove the last model" }).click();
    expect(await page.getByLabel("Model 4").count()).toBe(0);
    await page.getByLabel("Model 1").selectOption("sim/text");
    await page.getByLabel("Model 2").selectOption("sim/text");
    await page.getByLabel("Prompt").fill("too wide for text");
    await page.getByLabel("More input as JSON").fill(JSON.stringify({ width: 8 }));
    await page.getByRole("button", { name: "Run on every model" }).click();
    // sim/image refuses a width of 8; the text columns go on.
    const image = page.getByRole("region", { name: "sim/image" });
    await expect.poll(() => image.getByRole("alert").textContent()).toContain("width");
    const texts = page.getByRole("region", { name: "sim/text" });
    expect(await texts.count()).toBe(2);
    for (const column of await texts.all())
      await expect
        .poll(() => column.getByRole("status").textContent(), { timeout: 10_000 })
        .toContain("succeeded");
  });
});
