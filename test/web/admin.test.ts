/**
 * The admin pages in Chromium: tokens created (the secret shown once, and it signs in) and revoked
 * (it no longer signs in); a tenant with a budget, and a token with scopes, a tenant, limits and a
 * budget, made through the page and listed with them; providers' health and state; non-admins get no
 * admin navigation and a 403.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, seriousViolations, signedInPage } from "../support/browser.ts";
import { newTenant, startGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let browser: Browser;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe("tokens", () => {
  it("creates a token shown once that signs in, and after revoking it, it does not", async () => {
    const admin = await signedInPage(browser, gateway.url, gateway.token);
    const { page } = admin;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tokens" }).click();
    await page.getByLabel("Name", { exact: true }).fill("night <b>shift</b>");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = page.getByLabel("The new token");
    await expect.poll(() => secret.textContent()).toMatch(/^gg_\S+$/);
    const token = (await secret.textContent()) ?? "";
    const row = page.getByRole("row", { name: /night <b>shift<\/b>/ });
    await expect.poll(() => row.textContent()).toContain("never");

    // The new token signs in, as a user: no admin pages.
    const user = await signedInPage(browser, gateway.url, token);
    expect(new URL(user.page.url()).pathname).toBe("/playground");
    const nav = user.page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Playground" }).count()).toBe(1);
    expect(await nav.getByRole("link", { name: "Tokens" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Providers" }).count()).toBe(0);
    await user.context.close();

    // Its use shows after a reload.
    await page.reload();
    await expect.poll(() => row.textContent()).not.toContain("never");
    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Revoke night <b>shift</b>" }).click();
    await expect.poll(() => row.textContent()).toContain("Revoked");

    const again = await browser.newContext({ baseURL: gateway.url });
    const signIn = await again.newPage();
    await signIn.goto("/sign-in");
    await signIn.getByLabel("API token").fill(token);
    await signIn.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => signIn.getByRole("alert").textContent()).toContain("not accepted");
    await again.close();
    await admin.context.close();
  });
});

describe("scopes, tenants and limits", () => {
  it("creates a tenant and a scoped token with limits and a budget, listed with them", async () => {
    const { context, page } = await signedInPage(browser, gateway.url, gateway.token);
    await page.goto("/admin/tokens");
    await page.getByLabel("Tenant name").fill("studio");
    await page.locator("#new-tenant").getByLabel("Budget (US dollars)").fill("50");
    await page.locator("#new-tenant").getByLabel("Budget period").selectOption("week");
    await page.getByRole("button", { name: "Create tenant" }).click();
    const tenantRow = page.getByRole("row", { name: /^studio\b/ });
    await expect.poll(() => tenantRow.textContent()).toContain("$50.00 a week");
    expect(await tenantRow.textContent()).toContain("$0.00 spent");

    const tokenForm = page.locator("#new-token");
    await page.getByLabel("Name", { exact: true }).fill("render farm");
    await tokenForm.getByText("Scopes, tenant, limits and budget").click();
    for (const scope of ["Read predictions", "Upload files", "Train LoRAs", "Run batches"])
      await tokenForm.getByLabel(scope).uncheck();
    await page.getByLabel("Tenant", { exact: true }).selectOption({ label: "studio" });
    await page.getByLabel("Models", { exact: true }).fill("sim/image, sim/text");
    await page.getByLabel("Requests a minute").fill("30");
    await page.getByLabel("Predictions at once").fill("2");
    await tokenForm.getByLabel("Budget (US dollars)").fill("5");
    await tokenForm.getByLabel("Budget period").selectOption("day");
    await page.getByRole("button", { name: "Create token" }).click();
    await expect.poll(() => page.getByLabel("The new token").textContent()).toMatch(/^gg_\S+$/);

    const row = page.getByRole("row", { name: /^render farm\b/ });
    await expect.poll(() => row.textContent()).toContain("$5.00 a day");
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("predictions:writemodels:read");
    expect(text).not.toContain("files:write");
    expect(text).toContain("studio");
    expect(text).toContain("Models: sim/image, sim/text; 30 a minute; 2 at once");
    expect(text).toContain("$0.00 spent, $0.00 held, $5.00 left");

    // What the page sent is what the server keeps.
    const { results } = (await (await gateway.api("/v1/admin/tokens")).json()) as {
      results: { name: string; scopes: string[]; tenant: { name: string } | null; budget: unknown }[];
    };
    expect(results.find((token) => token.name === "render farm")).toMatchObject({
      scopes: ["predictions:write", "models:read"],
      tenant: { name: "studio" },
      requests_per_minute: 30,
      predictions_in_flight: 2,
      budget: { usd: 5, period: "day" },
    });
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.GENGATE_TOKENS_SCREENSHOT)
      await page.screenshot({ path: process.env.GENGATE_TOKENS_SCREENSHOT, fullPage: true });
    await context.close();
  });
});

describe("providers", () => {
  it("shows each provider's health, headroom, concurrency and circuits", async () => {
    const { context, page } = await signedInPage(browser, gateway.url, gateway.token);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Providers" }).click();
    const sim = page.getByRole("row", { name: /^sim\b/ });
    await expect.poll(() => sim.textContent(), { timeout: 10_000 }).toContain("Healthy");
    const text = (await sim.textContent()) ?? "";
    expect(text).toMatch(/\d+ of \d+ starts free now/);
    expect(text).toMatch(/0 of \d+ in flight, 0 queued/);
    // The built-in aliases' targets: local tools' circuits, all closed.
    const local = page.getByRole("row", { name: /^local\b/ });
    expect(await local.getByText("closed").count()).toBeGreaterThan(0);
    await context.close();
  });
});

describe("a non-admin", () => {
  it("has no admin navigation, and gets a 403 page at the admin pages", async () => {
    const tenant = await newTenant(gateway, "visitor");
    const { context, page } = await signedInPage(browser, gateway.url, tenant.token);
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Compare" }).count()).toBe(1);
    expect(await nav.getByRole("link", { name: "Providers" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Tokens" }).count()).toBe(0);
    for (const path of ["/admin/tokens", "/admin/providers"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Admins only");
      expect(await page.getByRole("button", { name: "Create token" }).count()).toBe(0);
    }
    await context.close();
  });
});
