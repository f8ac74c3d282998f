/**
 * The quality of the dashboard's pages in Chromium: axe-core in both color schemes, phone width,
 * keyboard, the JavaScript budget and CSP. Screenshots for the README are taken here, so they stay true.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { type ColorScheme, launchBrowser, seriousViolations, signIn } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { until } from "../support/until.ts";

const SCREENSHOTS = join(import.meta.dirname, "../../docs/screenshots");
const ASTRONAUT = join(import.meta.dirname, "../fixtures/astronaut.jpg");
const JS_BUDGET_BYTES = 100 * 1024;

let gateway: TestGateway;
let browser: Browser;
let imageId: string;
let loraId: string;
let batchId: string;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ GENGATE_SIM_TRAINING_MS: "300" }), launchBrowser()]);
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
  const batch = await gateway.api("/v1/batches", {
    method: "POST",
    body: JSON.stringify({
      model: "sim/image",
      input: { width: 64, height: 64 },
      items: ["a red fox", "a lighthouse", "a boat at dawn", "a harbour at night"].map((prompt, seed) => ({
        input: { prompt, seed },
      })),
    }),
  });
  batchId = ((await batch.json()) as { id: string }).id;
  await gateway.api("/v1/admin/tokens", {
    method: "POST",
    body: JSON.stringify({
      name: "ci",
      scopes: ["predictions:write", "predictions:read", "models:read"],
      requests_per_minute: 60,
      budget: { usd: 25, period: "month" },
    }),
    headers: { "content-type": "application/json" },
  });
  imageId = await run("sim/image", {
    prompt: "a lighthouse at dusk, oil painting",
    seed: 7,
    aspect_ratio: "4:3",
  });
  loraId = await trainLora();
});

/** A LoRA trained by the simulator, with one sample, ready. */
async function trainLora(): Promise<string> {
  const form = new FormData();
  form.set("name", "anna");
  form.set("trigger_word", "ANNA");
  form.set("samples", "1");
  for (const photo of await jpegFiles(4))
    form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
  const created = (await (await gateway.api("/v1/loras", { method: "POST", body: form })).json()) as {
    id: string;
  };
  await until(async () => {
    const lora = (await (await gateway.api(`/v1/loras/${created.id}`)).json()) as { status: string };
    return lora.status === "ready" || undefined;
  });
  return created.id;
}

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
    name: "predictions-confirm",
    path: "/predictions?status=failed&q=harbour",
    async ready(page) {
      await page.locator("#predictions tbody tr").first().waitFor();
      await page.getByRole("button", { name: "Re-run matching" }).click();
      await page.getByRole("dialog").getByText("Re-run 1 prediction?").waitFor();
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
    name: "loras",
    path: "/loras",
    async ready(page) {
      await page.locator("#loras tbody tr").first().waitFor();
    },
  },
  {
    name: "lora",
    path: "/loras/",
    async ready(page) {
      await imageLoaded(page.getByRole("img", { name: /^Sample 1/ }));
    },
  },
  {
    name: "gallery",
    path: "/gallery",
    async ready(page) {
      await imageLoaded(newestLighthouse(page).getByRole("img"));
    },
  },
  {
    name: "gallery-lightbox",
    path: "/gallery",
    async ready(page) {
      await newestLighthouse(page).click();
      await imageLoaded(page.getByRole("dialog").getByRole("img"));
    },
  },
  {
    name: "tools",
    path: "/tools?tool=upscale",
    async ready(page) {
      const panel = page.getByRole("tabpanel", { name: "Upscale" });
      await panel.getByLabel("Choose an image").setInputFiles(ASTRONAUT);
      await panel.getByLabel("Quality").selectOption("fast");
      await panel.getByRole("button", { name: "Upscale" }).click();
      await expect
        .poll(() => panel.getByRole("status").textContent(), { timeout: 30_000 })
        .toContain("succeeded");
      await imageLoaded(panel.getByRole("img", { name: "After" }));
    },
  },
  {
    name: "batches",
    path: "/batches",
    async ready(page) {
      await page.getByRole("row").filter({ hasText: batchId }).waitFor();
    },
  },
  {
    name: "batch",
    path: "/batches/",
    async ready(page) {
      const thumbnails = page.getByRole("list", { name: "Items" }).getByRole("img");
      await expect.poll(() => thumbnails.count(), { timeout: 10_000 }).toBe(4);
      for (const thumbnail of await thumbnails.all()) await imageLoaded(thumbnail);
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

/** The gallery's tile of the newest lighthouse (the playground visit makes one more each time). */
const newestLighthouse = (page: Page) =>
  page.getByRole("button", { name: "a lighthouse at dusk, oil painting", exact: true }).first();

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

const pathOf = (visit: Visit) =>
  visit.name === "prediction"
    ? `/p/${imageId}`
    : visit.name === "lora"
      ? `/loras/${loraId}`
      : visit.name === "batch"
        ? `/batches/${batchId}`
        : visit.path;

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
    // Every page of the dashboard, each checked by axe and photographed: more than the default 30 s.
  }, 120_000);
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
