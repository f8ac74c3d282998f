/** The playground in Chromium: the form made from a model's schema, Run, live results, raw JSON, files, curl. */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const ASTRONAUT = join(import.meta.dirname, "../fixtures/astronaut.jpg");

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

async function openPlayground(model: string): Promise<void> {
  ({ context, page } = await signedInPage(browser, gateway.url, gateway.token));
  await page.getByLabel("Model").selectOption(model);
  await page.getByRole("textbox", { name: "Prompt", exact: true }).waitFor();
}

const result = () => page.getByRole("region", { name: "Result" });
const statusOf = () => result().getByRole("status").textContent();

describe("playground", () => {
  it("runs sim/image from the form and shows the image", async () => {
    await openPlayground("sim/image");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("a lighthouse at dusk");
    await page.getByRole("spinbutton", { name: "Width" }).fill("256");
    await page.getByRole("spinbutton", { name: "Height" }).fill("192");
    await page.getByRole("combobox", { name: "Output Format" }).selectOption("png");
    await page.getByRole("button", { name: "Run" }).click();
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
    const image = result().getByRole("img", { name: "Output" });
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]))
      .toEqual([256, 192]);
    const link = await result().getByRole("link", { name: "Open the prediction page" }).getAttribute("href");
    const id = link?.replace("/p/", "") ?? "";
    const saved = (await (await gateway.api(`/v1/predictions/${id}`)).json()) as Record<string, unknown>;
    expect(saved).toMatchObject({
      model: "sim/image",
      status: "succeeded",
      input: {
        prompt: "a lighthouse at dusk",
        width: 256,
        height: 192,
        output_format: "png",
        num_outputs: 1,
      },
    });
    expect(await image.getAttribute("src")).toBe((saved.output as string[])[0]);
  });

  it("streams sim/text's answer token by token", async () => {
    await openPlayground("sim/text");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("Tell me about harbours");
    await page.getByRole("spinbutton", { name: "Max Tokens" }).fill("16");
    await page.getByRole("spinbutton", { name: "Token Interval Ms" }).fill("80");
    // Every text the output shows, as it changes.
    await result().evaluate((element) => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const text = element.querySelector(".text-output")?.textContent;
        if (text && text !== seen.at(-1)) seen.push(text);
      }).observe(element, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole("button", { name: "Run" }).click();
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const final = await result().getByLabel("Output text").textContent();
    expect(seen.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < seen.length; i++) expect((seen[i] ?? "").startsWith(seen[i - 1] ?? "")).toBe(true);
    expect(seen.at(-1)).toBe(final);
    expect(final?.split(" ").length).toBeGreaterThanOrEqual(10);
  });

  it("says what the API refused, naming the field", async () => {
    await openPlayground("sim/image");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("too small");
    await page.getByRole("spinbutton", { name: "Width" }).fill("10");
    await page.getByRole("button", { name: "Run" }).click();
    await expect.poll(() => page.locator("#form-error").textContent()).toContain("width");
    await expect.poll(() => page.getByRole("alert").first().isVisible()).toBe(true);
  });

  it("edits the input as JSON and back, and runs what the JSON says", async () => {
    await openPlayground("sim/image");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("from the form");
    await page.getByLabel("Edit the input as JSON").check();
    const json = page.getByLabel("Input JSON");
    expect(JSON.parse(await json.inputValue())).toMatchObject({ prompt: "from the form", num_outputs: 1 });
    await json.fill(JSON.stringify({ prompt: "from JSON", width: 64, height: 64, num_outputs: 2 }));
    await page.getByLabel("Edit the input as JSON").uncheck();
    expect(await page.getByRole("textbox", { name: "Prompt", exact: true }).inputValue()).toBe("from JSON");
    expect(await page.getByRole("spinbutton", { name: "Num Outputs" }).inputValue()).toBe("2");
    await page.getByLabel("Edit the input as JSON").check();
    await json.fill("{ not json");
    await page.getByRole("button", { name: "Run" }).click();
    await expect.poll(() => page.locator("#form-error").textContent()).toContain("Input JSON is not valid");
    await json.fill(JSON.stringify({ prompt: "from JSON", width: 64, height: 64, num_outputs: 2 }));
    await page.getByRole("button", { name: "Run" }).click();
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
    expect(await result().getByRole("img").count()).toBe(2);
  });

  it("uploads a picked file with POST /v1/files and runs with its URL", async () => {
    await openPlayground("sim/image");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("blend the astronaut");
    await page.getByLabel("Upload a file for Image").setInputFiles(ASTRONAUT);
    const url = page.getByRole("textbox", { name: "Image", exact: true });
    await expect.poll(() => url.inputValue()).toMatch(/\/v1\/files\/\w+$/);
    const fileId = (await url.inputValue()).split("/").at(-1);
    const file = (await (await gateway.api(`/v1/files/${fileId}`)).json()) as Record<string, unknown>;
    expect(file).toMatchObject({
      name: "astronaut.jpg",
      content_type: "image/jpeg",
      size: statSync(ASTRONAUT).size,
    });
    await page.getByRole("button", { name: "Run" }).click();
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
  });

  it("keeps the form's content through an ended session and the sign-in after it", async () => {
    await openPlayground("sim/image");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("kept through sign-in");
    await page.getByRole("spinbutton", { name: "Seed" }).fill("42");
    await context.clearCookies();
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForURL("**/sign-in?next=**");
    await page.getByLabel("API token").fill(gateway.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/playground?model=sim%2Fimage");
    await expect
      .poll(() => page.getByRole("textbox", { name: "Prompt", exact: true }).inputValue())
      .toBe("kept through sign-in");
    expect(await page.getByRole("spinbutton", { name: "Seed" }).inputValue()).toBe("42");
  });

  it("copies a curl command that runs the same prediction", async () => {
    await openPlayground("sim/image");
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("it's curl's turn");
    await page.getByRole("spinbutton", { name: "Width" }).fill("64");
    await page.getByRole("spinbutton", { name: "Height" }).fill("64");
    await page.getByRole("button", { name: "Copy as curl" }).click();
    await expect.poll(() => page.locator("#copy-status").textContent()).toBe("Copied the curl command");
    const command = await page.evaluate(() => navigator.clipboard.readText());
    expect(command).toContain("$GENGATE_TOKEN");
    expect(command).not.toContain(gateway.token);
    const { stdout } = await promisify(execFile)("bash", ["-c", command], {
      env: { ...process.env, GENGATE_TOKEN: gateway.token },
    });
    expect(JSON.parse(stdout)).toMatchObject({
      status: "succeeded",
      model: "sim/image",
      input: { prompt: "it's curl's turn", width: 64, height: 64 },
    });
  });
});
