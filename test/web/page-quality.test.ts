/**
 * The quality of the dashboard's pages in Chromium: axe-core in both color schemes, phone width,
 * keyboard, the JavaScript budget and CSP. Screenshots for the README are taken here, so they stay true.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ColorScheme, launchBrowser, seriousViolations, signIn } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

const SCREENSHOTS = join(import.meta.dirname, "../../docs/screenshots");
const JS_BUDGET_BYTES = 100 * 1024;

let gateway: TestGateway;
let browser: Browser;
let imageId: string;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const run = async (model: string, input: Record<string, unknown>) => {
    const response = await gateway.api(`/v1/models/${model}/predictions`, {
      method: "POST",
      headers: { prefer: "wait=10" },
      body: JSON.stringify({ input }),
    });
    return ((await response.json()) as { id: string }).id;
  };
  await run("sim/text", { prompt: "Write a haiku about the sea", max_tokens: 24, seed: 3 });
  await run("sim/image", {
    prompt: "a quiet harbour",
    seed: 12,
    width: 64,
    height: 64,
    fail: "out of memory",
  });
  await gateway.api("/v1/admin/tokens", {
    method: "POST",
    body: JSON.stringify({ name: "ci", admin: false }),
    headers: { "content-type": "application/json" },
  });
  imageId = await run("sim/image", {
    prompt: "a lighthouse at dusk, oil painting",
    seed: 7,
    aspect_ratio: "4:3",
  });
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

interface Visit {
  name: string;
  path: string;
  /** Brings the page to the state worth checking. */
  ready(page: Page): Promise<void>;
}

const VISITS: Visit[] = [
  {
    name: "playground",
    path: "/playground?model=sim%2Fimage",
    async ready(page) {
      await page
        .getByRole("textbox", { name: "Prompt", exact: true })
        .fill("a lighthouse at dusk, oil painting");
      await page.getByRole("spinbutton", { name: "Seed" }).fill("7");
      await page.getByRole("combobox", { name: "Aspect Ratio" }).selectOption("4:3");
      await page.getByRole("button", { name: "Run" }).click();
      await imageLoaded(page.getByRole("region", { name: "Result" }).getByRole("img", { name: "Output" }));
    },
  },
  {
    name: "compare",
    path: "/compare",
    async ready(page) {
      await page.getByLabel("Model 1").selectOption("sim/image");
      await page.getByLabel("Model 2").selectOption("sim/text");
      await page.getByLabel("Prompt").fill("a lighthouse at dusk, oil painting");
      await page.getByLabel("More input as JSON").fill('{"seed": 7, "max_tokens": 40}');
      await page.getByRole("button", { name: "Run on every model" }).click();
      await imageLoaded(page.getByRole("region", { name: "sim/image" }).getByRole("img", { name: "Output" }));
      await expect
        .poll(() => page.getByRole("region", { name: "sim/text" }).getByRole("status").textContent())
        .toContain("succeeded");
    },
  },
  {
    name: "predictions",
    path: "/predictions",
    async ready(page) {
      await page.locator("#predictions tbody tr").first().waitFor();
    },
  },
  {
    name: "prediction",
    path: "/p/",
    async ready(page) {
      await imageLoaded(page.getByRole("region", { name: "Run" }).getByRole("img", { name: "Output" }));
    },
  },
  {
    name: "providers",
    path: "/admin/providers",
    async ready(page) {
      await expect
        .poll(() => page.getByRole("row", { name: /^sim\b/ }).textContent(), { timeout: 10_000 })
        .toContain("Healthy");
    },
  },
  {
    name: "tokens",
    path: "/admin/tokens",
    async ready(page) {
      await page.getByRole("row", { name: /^ci\b/ }).waitFor();
    },
  },
];

async function imageLoaded(image: ReturnType<Page["getByRole"]>): Promise<void> {
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);
}

/** The top of the page, as a person lands on it. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

const pathOf = (visit: Visit) => (visit.name === "prediction" ? `/p/${imageId}` : visit.path);

/** A new context in `colorScheme`, with what the page logs about its Content-Security-Policy. */
async function newPage(colorScheme: ColorScheme, viewport = { width: 1280, height: 860 }) {
  const context = await browser.newContext({
    baseURL: gateway.url,
    colorScheme,
    viewport,
    locale: "en-US",
    timezoneId: "UTC",
  });
  const page = await context.newPage();
  const cspReports: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspReports.push(message.text());
  });
  return { context, page, cspReports };
}

describe.each(["light", "dark"] as const)("in the %s color scheme", (scheme) => {
  it("has no serious or critical axe violation on any page, and nothing the CSP had to block", async () => {
    const { context, page, cspReports } = await newPage(scheme);
    await page.goto("/sign-in");
    expect(await seriousViolations(page), "sign-in").toEqual([]);
    await screenshot(page, `sign-in-${scheme}`);
    await signIn(page, gateway.token);
    for (const visit of VISITS) {
      await page.goto(pathOf(visit));
      await visit.ready(page);
      expect(await seriousViolations(page), visit.name).toEqual([]);
      await screenshot(page, `${visit.name}-${scheme}`);
    }
    expect(cspReports).toEqual([]);
    await context.close();
  });
});

describe("every page", () => {
  it("fits a phone's width without sideways scrolling", async () => {
    const { context, page } = await newPage("light", { width: 390, height: 844 });
    await page.goto("/sign-in");
    await signIn(page, gateway.token);
    for (const visit of VISITS) {
      await page.goto(pathOf(visit));
      await visit.ready(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, visit.name).toBeLessThanOrEqual(0);
      if (visit.name === "playground") await screenshot(page, "playground-phone");
    }
    await context.close();
  });

  it("loads at most 100 KB of gzipped JavaScript", async () => {
    const { context, page } = await newPage("light");
    await page.goto("/sign-in");
    await signIn(page, gateway.token);
    for (const visit of VISITS) {
      const scripts = new Set<string>();
      const onRequest = (request: Request) => {
        if (request.resourceType() === "script") scripts.add(request.url());
      };
      page.on("request", onRequest);
      await page.goto(pathOf(visit));
      await visit.ready(page);
      page.off("request", onRequest);
      // Fetched again here: a script the browser revalidated (304) has no body to read in the page.
      const bodies = await Promise.all(
        [...scripts].map(async (url) => Buffer.from(await (await fetch(url)).arrayBuffer())),
      );
      const gzipped = bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
      expect(bodies.length, visit.name).toBeGreaterThan(3);
      expect(gzipped, visit.name).toBeLessThanOrEqual(JS_BUDGET_BYTES);
    }
    await context.close();
  });
});

describe("the keyboard", () => {
  it("reaches every control of the playground by Tab, and runs the model with Enter", async () => {
    const { context, page } = await newPage("light");
    await page.goto("/sign-in");
    await signIn(page, gateway.token);
    await page.goto("/playground?model=sim%2Fimage");
    await page.getByRole("textbox", { name: "Prompt", exact: true }).waitFor();
    const controls = await page.evaluate(() =>
      [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")]
        .filter((element) => !(element as HTMLElement).closest("[hidden]"))
        .map((element) => element.id || element.textContent?.trim() || ""),
    );
    const reached: string[] = [];
    for (let i = 0; i < controls.length + 5; i++) {
      await page.keyboard.press("Tab");
      reached.push(
        await page.evaluate(
          () => document.activeElement?.id || document.activeElement?.textContent?.trim() || "",
        ),
      );
    }
    for (const control of controls) expect(reached, `reaches ${control}`).toContain(control);

    const picker = page.waitForEvent("filechooser");
    await page.getByLabel("Upload a file for Image").focus();
    await page.keyboard.press("Enter");
    await picker;

    await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("by keyboard");
    await page.getByRole("button", { name: "Run" }).focus();
    await page.keyboard.press("Enter");
    const result = page.getByRole("region", { name: "Result" });
    await expect
      .poll(() => result.getByRole("status").textContent(), { timeout: 10_000 })
      .toContain("succeeded");
    await context.close();
  });
});
