/**
 * The LoRAs pages in Chromium: training from photos with the sim trainer and trying the LoRA, the
 * photo checks made before anything is sent, and what another token sees.
 */
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { newTenant, startGateway, type Tenant, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let browser: Browser;
let alice: Tenant;
let bob: Tenant;
let context: BrowserContext;
let page: Page;
/** The LoRA alice trains, for the tenant test. */
let trainedId = "";

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ GENGATE_SIM_TRAINING_MS: "300" }), launchBrowser()]);
  alice = await newTenant(gateway, "alice");
  bob = await newTenant(gateway, "bob");
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

async function open(tenant: Tenant, path: string): Promise<void> {
  ({ context, page } = await signedInPage(browser, gateway.url, tenant.token));
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(path);
}

describe("training a LoRA", () => {
  it("follows each step of the sim trainer, shows the samples, and tries the LoRA with its trigger word", async () => {
    await open(alice, "/loras");
    const photos = await jpegFiles(4);
    await page
      .getByLabel("Choose photos")
      .setInputFiles(
        photos.map((photo) => ({ name: photo.name, mimeType: "image/jpeg", buffer: photo.data })),
      );
    await expect.poll(() => page.locator("#photo-summary").textContent()).toMatch(/^4 files ready/);
    await page.getByLabel("Name").fill("anna");
    await page.getByLabel("Trigger word").fill("ANNA");
    await page.getByText("Options").click();
    await page.getByLabel("Sample images").fill("1");
    await page.getByRole("button", { name: "Train" }).click();

    await page.waitForURL(/\/loras\/[a-z0-9]+$/);
    trainedId = new URL(page.url()).pathname.split("/").pop() ?? "";
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("LoRA anna");
    await expect.poll(() => page.locator("#lora-status").textContent(), { timeout: 20_000 }).toBe("ready");
    expect(
      await page.locator("#lora-steps li").evaluateAll((items) => items.map((item) => item.className)),
    ).toEqual(["step-done", "step-done", "step-done", "step-done", "step-done"]);
    const sample = page.getByRole("img", { name: /^Sample 1: .*ANNA/ });
    await expect.poll(() => sample.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    const prompt = page.getByLabel("Prompt");
    expect(await prompt.inputValue()).toBe("ANNA ");
    await prompt.fill("a portrait on a boat");
    await page.getByRole("button", { name: "Run" }).click();
    const result = page.getByRole("region", { name: "Try it result" });
    const image = result.getByRole("img", { name: "Output" });
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), {
        timeout: 10_000,
      })
      .toBe(true);

    const runs = (await (await alice.api("/v1/predictions")).json()) as {
      results: { model: string; input: { prompt?: string } }[];
    };
    expect(runs.results[0]?.input.prompt).toBe("ANNA a portrait on a boat");
  });
});

describe("the photo checks", () => {
  it("say what is wrong with a bad drop in the page, and nothing is sent", async () => {
    await open(alice, "/loras");
    const sent: string[] = [];
    page.on("request", (request: Request) => {
      if (request.url().includes("/ui/api/v1/loras") && request.method() === "POST") sent.push(request.url());
    });
    const drop = async (files: { name: string; text?: string; bytes?: number }[]) => {
      const transfer = await page.evaluateHandle((list) => {
        const data = new DataTransfer();
        for (const file of list) {
          // A JPEG's first bytes, padded to the size asked for.
          const body =
            file.text ?? new Uint8Array(file.bytes ?? 0).fill(0).map((_, i) => [0xff, 0xd8, 0xff][i] ?? 0);
          data.items.add(new File([body], file.name, { type: "image/jpeg" }));
        }
        return data;
      }, files);
      await page.locator("#drop-zone").dispatchEvent("drop", { dataTransfer: transfer });
    };
    const alert = page.getByRole("alert").filter({ hasText: /./ }).first();

    await drop([{ name: "notes.jpg", text: "not a photo at all" }]);
    await expect.poll(() => alert.textContent()).toContain('"notes.jpg" is not a photo');
    expect(await alert.textContent()).toContain("nothing was sent");

    await drop([1, 2, 3, 4].map((i) => ({ name: `big-${i}.jpg`, bytes: i === 2 ? 21 * 2 ** 20 : 1000 })));
    await expect
      .poll(() => alert.textContent())
      .toContain('"big-2.jpg" is 21 MiB, over the 20 MiB a photo may be');

    await drop([{ name: "one.jpg", bytes: 1000 }]);
    await expect.poll(() => alert.textContent()).toContain("1 photo chosen: a LoRA takes 4 to 200");

    await page.getByLabel("Name").fill("never");
    await page.getByRole("button", { name: "Train" }).click();
    await expect.poll(() => alert.textContent()).toContain("Photos: choose or drop 4 to 200 photos first");
    expect(sent).toEqual([]);
    expect(((await (await alice.api("/v1/loras/never")).json()) as { status: number }).status).toBe(404);
  });
});

describe("another token", () => {
  it("sees none of the first token's LoRAs or outputs", async () => {
    expect(trainedId).not.toBe("");
    await open(bob, "/loras");
    await expect.poll(() => page.locator("#list-status").textContent()).toBe("No LoRAs yet.");
    expect(await page.locator("#loras tbody tr").count()).toBe(0);

    const response = await page.goto(`/loras/${trainedId}`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("LoRA not found");

    await page.goto("/gallery");
    await expect.poll(() => page.locator("#gallery-status").textContent()).toBe("No outputs match.");
    expect(await page.locator("#gallery img").count()).toBe(0);

    // Alice's gallery has the sample and the try.
    await context.close();
    await open(alice, "/gallery");
    await expect.poll(() => page.locator("#gallery img").count()).toBeGreaterThanOrEqual(2);
  });
});
