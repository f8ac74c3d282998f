/**
 * The gallery in Chromium against a real `gengate serve` process: infinite scroll, search, the
 * lightbox by keyboard, and a favourite found again after the server restarts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signIn } from "../support/browser.ts";
import { freePort } from "../support/free-port.ts";
import { TEST_TOKEN } from "../support/gateway.ts";
import { type ServeProcess, spawnServe } from "../support/serve-process.ts";

const HOSTILE = "<img src=x onerror=alert(1)>";
/** More than a page of the API (40 predictions), so that scrolling loads another. */
const SCENES = Array.from({ length: 42 }, (_, i) => `scene number ${i + 1}`);

let dataDir: string;
let port: number;
let server: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];

const serve = () =>
  spawnServe({ GENGATE_DATA_DIR: dataDir, GENGATE_ADMIN_TOKEN: TEST_TOKEN, GENGATE_SIM_LATENCY: "0" }, [
    "--port",
    String(port),
  ]);

async function run(prompt: string): Promise<void> {
  const response = await fetch(`${server.url}/v1/models/sim/image/predictions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, prefer: "wait=20" },
    body: JSON.stringify({ input: { prompt, width: 64, height: 64 } }),
  });
  expect(((await response.json()) as { status: string }).status).toBe("succeeded");
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "gengate-gallery-"));
  port = await freePort();
  [server, browser] = await Promise.all([serve(), launchBrowser()]);
  for (const prompt of SCENES) await run(prompt);
  await run("a lighthouse at dusk");
  await run(HOSTILE);
  context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await signIn(page, TEST_TOKEN);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.child.kill("SIGKILL");
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

const tiles = () => page.locator("#gallery .gallery-open img");
const status = () => page.locator("#gallery-status").textContent();
const dialog = () => page.getByRole("dialog");

describe("the gallery", () => {
  it("shows every output newest first, loading more as the page scrolls, prompts as text", async () => {
    const pages: string[] = [];
    const onRequest = (request: Request) => {
      if (request.url().includes("/ui/api/v1/outputs")) pages.push(new URL(request.url()).search);
    };
    page.on("request", onRequest);
    await page.goto("/gallery");
    await expect.poll(() => tiles().count()).toBeGreaterThanOrEqual(40);
    expect(await tiles().first().getAttribute("alt")).toBe(HOSTILE);
    expect(await tiles().nth(1).getAttribute("alt")).toBe("a lighthouse at dusk");
    await page.locator("#gallery-end").scrollIntoViewIfNeeded();
    await expect.poll(() => tiles().count()).toBe(SCENES.length + 2);
    expect(await status()).toBe(`${SCENES.length + 2} outputs.`);
    expect(await tiles().last().getAttribute("alt")).toBe("scene number 1");
    page.off("request", onRequest);
    expect(pages).toEqual(["", expect.stringMatching(/^\?cursor=/)]);
    expect(await page.locator("#gallery .gallery-caption").first().textContent()).toBe(HOSTILE);
    expect(dialogs).toEqual([]);
  });

  it("finds outputs by a word of their prompt", async () => {
    await page.goto("/gallery");
    await page.getByLabel("Search by prompt").fill("LIGHTHOUSE");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/q=LIGHTHOUSE/);
    await expect.poll(() => status()).toBe("1 output.");
    expect(await tiles().first().getAttribute("alt")).toBe("a lighthouse at dusk");
  });

  it("opens a lightbox that the keyboard drives, traps and leaves where it was opened", async () => {
    await page.goto("/gallery");
    const opener = page.getByRole("button", { name: "a lighthouse at dusk", exact: true });
    await opener.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => dialog().isVisible()).toBe(true);
    const title = dialog().getByRole("heading");
    expect(await title.textContent()).toMatch(/^Output 2 of \d+ · sim\/image$/);
    expect(await dialog().getByText("a lighthouse at dusk").count()).toBe(1);
    await page.keyboard.press("ArrowRight");
    expect(await title.textContent()).toMatch(/^Output 3 of/);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    expect(await title.textContent()).toMatch(/^Output 1 of/);
    await page.keyboard.press("ArrowRight");

    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.closest("dialog") !== null)).toBe(true);
    }
    const download = dialog().getByRole("link", { name: "Download" });
    expect(await download.getAttribute("href")).toBe(await tiles().nth(1).getAttribute("src"));
    expect(await dialog().getByRole("link", { name: "Open prediction" }).getAttribute("href")).toMatch(
      /^\/p\/[a-z0-9]+$/,
    );

    await page.keyboard.press("Escape");
    await expect.poll(() => dialog().isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.querySelector("img")?.alt)).toBe(
      "a lighthouse at dusk",
    );
  });

  it("keeps a favourite on the server: found again after gengate restarts", async () => {
    await page.goto("/gallery");
    await page.getByRole("button", { name: "a lighthouse at dusk", exact: true }).click();
    const favourite = dialog().getByRole("button", { name: "Favourite" });
    await favourite.click();
    await expect.poll(() => favourite.getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("Escape");

    server.child.kill("SIGTERM");
    await server.exited;
    server = await serve();

    await page.goto("/gallery");
    await page.getByLabel("Favourites only").check();
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/favorite=true/);
    await expect.poll(() => status()).toBe("1 output.");
    expect(await tiles().first().getAttribute("alt")).toBe("a lighthouse at dusk");
    expect(
      await page
        .getByRole("button", { name: "Favourite: a lighthouse at dusk" })
        .getAttribute("aria-pressed"),
    ).toBe("true");
  });
});
