/** The playground in Chromium: the form made from a model's schema, Run, live results, raw JSON, files, curl. */
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LoraJson } from "../../src/core/lora-json.ts";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { launchBrowser, signedInPage } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { until } from "../support/until.ts";

const ASTRONAUT = join(import.meta.dirname, "../fixtures/astronaut.jpg");

let gateway: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway({ GENGATE_SIM_TRAINING_MS: "100" }), launchBrowser()]);
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
const prompt = () => page.getByRole("textbox", { name: "Prompt", exact: true });
const exec = promisify(execFile);

/** The prediction the result shows, as the API has it. */
async function shownPrediction(): Promise<
  Record<string, unknown> & { id: string; gengate: { seed?: number } }
> {
  const link = await result().getByRole("link", { name: "Open the prediction page" }).getAttribute("href");
  const id = link?.replace("/p/", "") ?? "";
  return (await (await gateway.api(`/v1/predictions/${id}`)).json()) as Awaited<
    ReturnType<typeof shownPrediction>
  >;
}

/** Runs `code` (an ES module copied from the page) with Node in this project, where its packages are. */
async function runNodeModule(code: string): Promise<string> {
  const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", code], {
    cwd: join(import.meta.dirname, "../.."),
    env: { ...process.env, GENGATE_TOKEN: gateway.token },
  });
  return stdout;
}

async function copied(button: string): Promise<string> {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await page.getByRole("button", { name: button }).click();
  await expect.poll(() => page.locator("#copy-status").textContent()).not.toBe("");
  return page.evaluate(() => navigator.clipboard.readText());
}

describe("playground", () => {
  it("opens on sim/image, which runs on a gengate with no provider keys", async () => {
    ({ context, page } = await signedInPage(browser, gateway.url, gateway.token));
    expect(await page.getByLabel("Model").inputValue()).toBe("sim/image");
    await prompt().fill("a harbour at dawn");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
  });

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

  it("runs again with the seed the last run reported", async () => {
    await openPlayground("sim/image");
    await prompt().fill("the same harbour twice");
    await page.getByRole("spinbutton", { name: "Width" }).fill("64");
    await page.getByRole("spinbutton", { name: "Height" }).fill("64");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
    const first = await shownPrediction();
    const seed = first.gengate.seed;
    expect(seed).toEqual(expect.any(Number));
    expect((first.input as Record<string, unknown>).seed).toBeUndefined();

    await page.getByRole("button", { name: "Run again with the same seed" }).click();
    await expect.poll(async () => (await shownPrediction()).id, { timeout: 10_000 }).not.toBe(first.id);
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
    const second = await shownPrediction();
    expect(second.gengate.seed).toBe(seed);
    expect(second.input).toMatchObject({ prompt: "the same harbour twice", seed });
    expect(await page.getByRole("spinbutton", { name: "Seed" }).inputValue()).toBe(String(seed));
    // Both made the same picture.
    const pixels = async (prediction: Record<string, unknown>) =>
      sharp(Buffer.from(await (await fetch((prediction.output as string[])[0] ?? "")).arrayBuffer()))
        .raw()
        .toBuffer();
    expect((await pixels(second)).equals(await pixels(first))).toBe(true);
  });

  it("offers the user's ready LoRAs in the model picker, and runs one with its trigger word", async () => {
    const form = new FormData();
    form.append("name", "harbour-cat");
    form.append("trigger_word", "HCAT");
    form.append("samples", "0");
    for (const photo of await jpegFiles(4, 70))
      form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
    expect((await gateway.api("/v1/loras", { method: "POST", body: form })).status).toBe(201);
    await until(async () => {
      const lora = (await (await gateway.api("/v1/loras/harbour-cat")).json()) as LoraJson;
      return lora.status === "ready" ? lora : undefined;
    }, 20_000);

    await openPlayground("lora:harbour-cat");
    await expect.poll(() => page.locator("#model-description").textContent()).toContain("trigger word HCAT");
    await prompt().fill("asleep on a boat");
    await page.getByRole("spinbutton", { name: "Width" }).fill("64");
    await page.getByRole("spinbutton", { name: "Height" }).fill("64");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.poll(statusOf, { timeout: 10_000 }).toContain("succeeded");
    const ran = await shownPrediction();
    expect(ran.model).toMatch(/^sim-lora\/harbour-cat/);
    expect((ran.input as { prompt: string }).prompt).toBe("HCAT asleep on a boat");
  });

  it("takes a file dropped or pasted on the field, a large image made smaller before upload", async () => {
    await openPlayground("sim/image");
    const field = page.locator(".file-field").first();
    // A 3000×2000 photo of noise, made in the page and dropped on the field.
    const original = await field.evaluate(async (element) => {
      const canvas = document.createElement("canvas");
      canvas.width = 3000;
      canvas.height = 2000;
      const context = canvas.getContext("2d") as CanvasRenderingContext2D;
      const pixels = context.createImageData(3000, 2000);
      for (let i = 0; i < pixels.data.length; i++)
        pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
      context.putImageData(pixels, 0, 0);
      const blob = (await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"))) as Blob;
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], "big-noise.png", { type: "image/png" }));
      element.dispatchEvent(
        new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      element.dispatchEvent(
        new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
      return blob.size;
    });
    const url = page.getByRole("textbox", { name: "Image", exact: true });
    await expect.poll(() => url.inputValue(), { timeout: 20_000 }).toMatch(/\/v1\/files\/\w+$/);
    await expect.poll(() => field.getByRole("status").textContent()).toContain("3000×2000");
    const fileId = (await url.inputValue()).split("/").at(-1);
    const uploaded = (await (await gateway.api(`/v1/files/${fileId}`)).json()) as Record<string, unknown>;
    expect(uploaded).toMatchObject({ name: "big-noise.webp", content_type: "image/webp" });
    expect(uploaded.size).toBeLessThan(original);
    const bytes = Buffer.from(await (await gateway.api(`/v1/files/${fileId}/download`)).arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 2048, height: 1365, format: "webp" });

    // A small photo pasted into the field goes up as it is.
    const astronaut = readFileSync(ASTRONAUT).toString("base64");
    await url.evaluate((input, base64) => {
      const data = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], "pasted.jpg", { type: "image/jpeg" }));
      input.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    }, astronaut);
    await expect.poll(() => field.getByRole("status").textContent()).toBe("Uploaded pasted.jpg");
    const pastedId = (await url.inputValue()).split("/").at(-1);
    const pasted = (await (await gateway.api(`/v1/files/${pastedId}`)).json()) as Record<string, unknown>;
    expect(pasted).toMatchObject({ name: "pasted.jpg", size: statSync(ASTRONAUT).size });
  });

  it("copies replicate JS and openai code that run the same model, and says when openai cannot", async () => {
    await openPlayground("sim/image");
    await prompt().fill("copied as code");
    await page.getByRole("spinbutton", { name: "Width" }).fill("64");
    await page.getByRole("spinbutton", { name: "Height" }).fill("64");
    await page.getByRole("spinbutton", { name: "Seed" }).fill("9");

    const replicateCode = await copied("Copy as replicate JS");
    expect(replicateCode).toContain("process.env.GENGATE_TOKEN");
    expect(replicateCode).not.toContain(gateway.token);
    const images = await runNodeModule(replicateCode);
    expect(images).toMatch(/\/files\/\w+/);
    const runs = (await (await gateway.api("/v1/predictions")).json()) as {
      results: Array<{ input: unknown }>;
    };
    expect(runs.results[0]?.input).toMatchObject({
      prompt: "copied as code",
      width: 64,
      height: 64,
      seed: 9,
    });

    await page.getByRole("button", { name: "Copy as openai" }).click();
    await expect.poll(() => page.locator("#copy-status").textContent()).toContain("has no field for seed");
    await page.getByRole("spinbutton", { name: "Seed" }).fill("");
    const openaiCode = await copied("Copy as openai");
    expect(openaiCode).toContain('"size": "64x64"');
    expect(await runNodeModule(openaiCode)).toMatch(/\/files\/\w+/);

    await page.getByLabel("Model").selectOption("sim/text");
    await prompt().waitFor();
    await prompt().fill("Say something about boats");
    await page.getByRole("spinbutton", { name: "Max Tokens" }).fill("6");
    const chatCode = await copied("Copy as openai");
    expect(chatCode).toContain("chat.completions.create");
    expect((await runNodeModule(chatCode)).trim().split(" ").length).toBeGreaterThanOrEqual(3);
  });
});
