import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { startGatewayWithConfig, type TestGateway } from "../support/gateway.ts";

const CONFIG = {
  models: {
    inpaint: {
      targets: [
        {
          provider: "sim",
          model: "sim/image",
          // As the built-in target: sizes in width and height, multiples of 64.
          capabilities: { referenceImage: true, mask: true, sizeForm: "width_height", sizeMultipleOf: 64 },
          params: { reference_image: "image" },
        },
      ],
    },
  },
};

interface Prediction {
  id: string;
  model: string;
  status: string;
  input: Record<string, unknown>;
  output: unknown;
}

let gateway: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([
    startGatewayWithConfig(CONFIG, { LOCAL_CONCURRENCY: "1" }),
    launchBrowser(),
  ]);
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

/** A PNG of `size` pixels: a red disc on a light grey background. */
function disc(size: number): Promise<Buffer> {
  const r = size / 3;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="#e8e8e8"/><circle cx="${size / 2}" cy="${size / 2}" r="${r}" fill="#d02020"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function openTool(name: string): Promise<Locator> {
  ({ context, page } = await signedInPage(browser, gateway.url, gateway.token));
  await page.goto("/tools");
  await page.getByRole("tab", { name }).click();
  return page.getByRole("tabpanel", { name });
}

async function chooseImage(panel: Locator, name: string, buffer: Buffer): Promise<void> {
  await panel.getByLabel("Choose an image").setInputFiles({ name, mimeType: "image/png", buffer });
  await expect.poll(() => naturalSize(panel.getByRole("img", { name: "Before" }))).not.toEqual([0, 0]);
}

const naturalSize = (image: Locator) =>
  image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);

/** Waits for the run to succeed; answers the prediction it made. */
async function succeeded(panel: Locator): Promise<Prediction> {
  const status = panel.getByRole("status");
  await expect.poll(() => status.textContent(), { timeout: 90_000 }).toMatch(/succeeded|failed|canceled/);
  // An empty alert is not shown, so not in the accessibility tree.
  expect(await panel.getByRole("alert").count()).toBe(0);
  expect(await status.textContent()).toContain("succeeded");
  const href = await status.getByRole("link", { name: "Open the prediction page" }).getAttribute("href");
  const response = await gateway.api(`/v1/predictions/${href?.replace("/p/", "")}`);
  return (await response.json()) as Prediction;
}

/** The bytes of an uploaded file (`/v1/files/{id}`) or of an output file. */
async function fileBytes(url: unknown): Promise<Buffer> {
  const { pathname, search } = new URL(String(url));
  // An output's link is signed: its query is part of it.
  const response = await gateway.api(
    pathname.startsWith("/v1/files/") ? `${pathname}/download` : pathname + search,
  );
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe("the tools page", () => {
  it("removes a background with the local tool and shows before and after, with a slider and a download", async () => {
    const panel = await openTool("Remove background");
    await chooseImage(panel, "disc.png", await disc(96));
    await panel.getByRole("button", { name: "Remove the background" }).click();
    const prediction = await succeeded(panel);
    expect(prediction.model).toBe("gengate/remove-background");
    expect(await sharp(await fileBytes(prediction.input.reference_image)).metadata()).toMatchObject({
      width: 96,
      height: 96,
    });

    const after = panel.getByRole("img", { name: "After" });
    await expect.poll(() => naturalSize(after)).toEqual([96, 96]);
    expect(await panel.getByRole("img", { name: "Before" }).isVisible()).toBe(true);
    expect(await after.isVisible()).toBe(true);
    const cutout = await sharp(await fileBytes((prediction.output as { image: string }).image))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(cutout.info.channels).toBe(4);
    expect(cutout.data[3], "the corner is background: transparent").toBeLessThan(64);

    const slider = panel.getByRole("slider", { name: "Before and after" });
    await slider.focus();
    await page.keyboard.press("ArrowRight");
    expect(await slider.inputValue()).toBe("51");
    expect(await slider.getAttribute("aria-valuetext")).toBe("51% before, 49% after");
    await page.keyboard.press("End");
    const clip = () =>
      panel.locator(".compare-after").evaluate((element) => getComputedStyle(element).clipPath);
    expect(await clip()).toBe("inset(0px 0px 0px 100%)");

    const download = panel.getByRole("link", { name: "Download the result" });
    expect(await download.getAttribute("download")).toBe("disc-remove-background.png");
    const saved = page.waitForEvent("download");
    await download.click();
    expect((await saved).suggestedFilename()).toBe("disc-remove-background.png");
  }, 120_000);

  it("upscales ×4 with fast quality: the result has four times the pixels on each side", async () => {
    const panel = await openTool("Upscale");
    await chooseImage(panel, "small.png", await disc(64));
    await panel.getByLabel("Scale").selectOption({ label: "×4" });
    await panel.getByLabel("Quality").selectOption("fast");
    await panel.getByRole("button", { name: "Upscale" }).click();
    const prediction = await succeeded(panel);
    expect(prediction).toMatchObject({ model: "gengate/upscale", input: { scale: 4, quality: "fast" } });
    await expect.poll(() => naturalSize(panel.getByRole("img", { name: "After" }))).toEqual([256, 256]);
    expect(await panel.getByRole("slider", { name: "Before and after" }).isVisible()).toBe(true);
  }, 60_000);

  it("inpaints with the mask painted on the canvas with the mouse: white where painted", async () => {
    const panel = await openTool("Inpaint");
    await chooseImage(panel, "room.png", await disc(128));
    await panel.getByRole("textbox", { name: "Prompt" }).fill("a blue square");
    const run = panel.getByRole("button", { name: "Inpaint" });
    await run.click();
    expect(await panel.getByRole("alert").textContent()).toBe(
      "Paint the mask over what should change first.",
    );

    // A stroke down the left quarter of the image, with a wide brush.
    await panel.getByLabel("Brush size").fill("60");
    const canvas = panel.locator("canvas");
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error("the mask canvas is not shown");
    await page.mouse.move(box.x + box.width * 0.2, box.y + 5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height - 5, { steps: 8 });
    await page.mouse.up();
    await run.click();
    const prediction = await succeeded(panel);
    expect(prediction.model).toBe("gengate/inpaint");
    expect(prediction.input).toMatchObject({ prompt: "a blue square", width: 128, height: 128 });

    const mask = await sharp(await fileBytes(prediction.input.mask))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([mask.info.width, mask.info.height]).toEqual([128, 128]);
    const at = (x: number, y: number) => mask.data[y * 128 + x];
    expect(at(25, 64), "painted").toBe(255);
    expect(at(110, 64), "not painted").toBe(0);
    await expect.poll(() => naturalSize(panel.getByRole("img", { name: "After" }))).toEqual([128, 128]);

    // Clearing the mask goes back to painting: no result shown, nothing painted.
    await panel.getByRole("button", { name: "Clear mask" }).click();
    expect(await panel.getByRole("img", { name: "After" }).isVisible()).toBe(false);
    await run.click();
    expect(await panel.getByRole("alert").textContent()).toBe(
      "Paint the mask over what should change first.",
    );
  });

  it("refuses a non-image and an oversized drop with a clear message, sending nothing", async () => {
    const panel = await openTool("Colorize");
    const sent: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/ui/api/")) sent.push(request.url());
    });
    const filesBefore = await (await gateway.api("/v1/files")).json();
    const drop = async (name: string, type: string, bytes: number) => {
      const transfer = await page.evaluateHandle(
        ([name, type, bytes]) => {
          const data = new DataTransfer();
          data.items.add(new File([new Uint8Array(bytes)], name, { type }));
          return data;
        },
        [name, type, bytes] as const,
      );
      await panel
        .getByRole("group", { name: "Image to use" })
        .dispatchEvent("drop", { dataTransfer: transfer });
    };
    const alert = panel.getByRole("alert");

    await drop("notes.txt", "text/plain", 200);
    expect(await alert.textContent()).toBe(
      '"notes.txt" is not an image this page takes: use a PNG, JPEG, WebP, GIF or AVIF file.',
    );
    await drop("huge.png", "image/png", 21 * 1024 * 1024);
    expect(await alert.textContent()).toBe(
      '"huge.png" is 21.0 MB: images may be at most 20.0 MB. Nothing was uploaded.',
    );
    expect(await panel.getByRole("button", { name: "Colorize" }).isDisabled()).toBe(true);
    expect(await panel.getByRole("img", { name: "Before" }).isVisible()).toBe(false);
    expect(sent).toEqual([]);
    expect(await (await gateway.api("/v1/files")).json()).toEqual(filesBefore);
  });

  it("moves between tabs with the arrow keys", async () => {
    await openTool("Remove background");
    await page.getByRole("tab", { name: "Remove background" }).focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.getByRole("tabpanel").getAttribute("id")).toBe("panel-upscale");
    await page.keyboard.press("End");
    expect(await page.getByRole("tab", { name: "Colorize" }).getAttribute("aria-selected")).toBe("true");
    expect(new URL(page.url()).search).toBe("?tool=colorize");
    await page.keyboard.press("ArrowRight");
    expect(await page.getByRole("tabpanel").getAttribute("id")).toBe("panel-remove-background");
  });
});
