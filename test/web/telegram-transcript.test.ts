/**
 * A conversation with the Telegram bot, drawn from the fake Telegram's transcript and looked at
 * in Chromium: every photo shows, the buttons are there; the picture is the README's screenshot.
 */
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { makeUser, renderTranscriptHtml } from "../fakes/telegram/index.ts";
import { launchBrowser } from "../support/browser.ts";
import { botSays, startTelegramSetup, type TelegramSetup, wordsOf } from "../support/telegram-gateway.ts";

const SCREENSHOT = join(import.meta.dirname, "../../docs/screenshots/telegram-conversation.png");

let setup: TelegramSetup;
let browser: Browser;

beforeAll(async () => {
  [setup, browser] = await Promise.all([startTelegramSetup(), launchBrowser()]);
});

afterAll(async () => {
  await Promise.all([setup?.close(), browser?.close()]);
});

describe("a Telegram conversation, as a person sees it", () => {
  it("shows the status message, the photo with its buttons and a training draft", async () => {
    const { telegram } = setup;
    const anna = makeUser({ first_name: "Anna", language_code: "en" });
    telegram.sendText(anna, "a lighthouse on a cliff at sunset, oil painting");
    await botSays(telegram, anna, (m) => m.photo !== undefined, "the photo");
    await telegram.sendAlbum(
      anna,
      (await jpegFiles(4)).map((file) => file.data),
    );
    await botSays(telegram, anna, (m) => /4 photos so far/.test(wordsOf(m)), "the draft");

    const html = renderTranscriptHtml(telegram.transcript(anna.id), telegram.fileBytes, {
      title: "gengate bot",
    });
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.setContent(html);
    const images = page.locator("img");
    expect(await images.count()).toBe(5);
    for (const image of await images.all()) {
      expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
        true,
      );
    }
    for (const label of ["Again", "Vary", "Upscale", "Remove background", "Train"]) {
      await expect.poll(() => page.getByText(label, { exact: false }).first().isVisible()).toBe(true);
    }
    await expect.poll(() => page.getByText(/Done: “a lighthouse/).isVisible()).toBe(true);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });
});
