/** Signing in and out of the dashboard, the session cookie, CSRF and the page headers, in Chromium. */
import { request } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../../src/core/api-tokens.ts";
import { launchBrowser, signedInPage, signIn } from "../support/browser.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let browser: Browser;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGateway(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

const predictionCount = async () =>
  ((await (await gateway.api("/v1/predictions")).json()) as { results: unknown[] }).results.length;

describe("sign-in", () => {
  it("sends a visitor to sign in, then back to the page asked for; signing out ends the session", async () => {
    const context = await browser.newContext({ baseURL: gateway.url });
    const page = await context.newPage();
    await page.goto("/predictions?status=failed");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.getByLabel("API token").fill(gateway.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/predictions?status=failed");
    await expect.poll(() => page.getByText("admin (GENGATE_ADMIN_TOKEN)").isVisible()).toBe(true);

    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({
      name: "gengate_session",
      httpOnly: true,
      sameSite: "Strict",
      secure: false,
    });
    expect(cookie?.value).not.toContain(gateway.token);
    expect(Buffer.from(cookie?.value ?? "", "base64url").toString("latin1")).not.toContain(gateway.token);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    expect(await context.cookies()).toEqual([]);
    await page.goto("/playground");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await context.close();
  });

  it("refuses a wrong token with a message and no cookie", async () => {
    const context = await browser.newContext({ baseURL: gateway.url });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("API token").fill("gg_not_a_real_token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("This token was not accepted");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await context.cookies()).toEqual([]);
    await context.close();
    for (const token of ["gg_two\nlines", "gg with spaces", "gg_é"]) {
      const response = await fetch(`${gateway.url}/sign-in`, {
        method: "POST",
        headers: { origin: gateway.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }),
      });
      expect(response.status, token).toBe(401);
      expect(await response.text()).toContain("This token was not accepted");
    }
  });

  it("sends a garbled or revoked session back to sign-in, pages and API calls alike", async () => {
    const context = await browser.newContext({ baseURL: gateway.url });
    await context.addCookies([{ name: "gengate_session", value: "garbled", url: gateway.url }]);
    const page = await context.newPage();
    await page.goto("/p/some-id");
    expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(
      "/sign-in?next=%2Fp%2Fsome-id",
    );

    const secret = "gg_web_revoked_token_0123456789abcdef";
    const token = await gateway.store.tokens.create({
      name: "soon revoked",
      tokenHash: hashApiToken(secret),
      isAdmin: false,
    });
    await signIn(page, secret);
    expect(new URL(page.url()).pathname).toBe("/playground");
    expect((await page.request.get("/ui/api/v1/predictions")).status()).toBe(200);
    await gateway.store.tokens.revoke(token.id);
    // With the session's cookie, outside the page: the page itself may already be on its way to
    // sign-in, its own calls refused, and a script run in it would be cut off by that navigation.
    const call = await page.request.get("/ui/api/v1/predictions");
    expect(call.status()).toBe(401);
    await page.goto("/predictions");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await context.close();
  });

  it("only accepts a sign-in posted from the dashboard's own origin, and of a form's size", async () => {
    const forged = await fetch(`${gateway.url}/sign-in`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: gateway.token }),
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();
    const oversized = await fetch(`${gateway.url}/sign-in`, {
      method: "POST",
      headers: { origin: gateway.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: "x".repeat(20_000) }),
      redirect: "manual",
    });
    expect(oversized.status).toBe(413);
  });
});

describe("CSRF", () => {
  it("refuses a state-changing call without the CSRF token, with a wrong one, or from another origin", async () => {
    const { context, page } = await signedInPage(browser, gateway.url, gateway.token);
    const before = await predictionCount();
    const post = (headers: Record<string, string>) =>
      page.evaluate(
        async (extra) =>
          (
            await fetch("/ui/api/v1/models/sim/image/predictions", {
              method: "POST",
              headers: { "content-type": "application/json", ...extra },
              body: JSON.stringify({ input: { prompt: "csrf", width: 64, height: 64 } }),
            })
          ).status,
        headers,
      );
    expect(await post({})).toBe(403);
    expect(await post({ "x-csrf-token": "wrong" })).toBe(403);
    expect(await predictionCount()).toBe(before);

    const csrf = (await page.locator('meta[name="csrf-token"]').getAttribute("content")) ?? "";
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const fromElsewhere = await fetch(`${gateway.url}/ui/api/v1/models/sim/image/predictions`, {
      method: "POST",
      headers: {
        cookie,
        origin: "http://evil.example",
        "x-csrf-token": csrf,
        "content-type": "application/json",
      },
      body: JSON.stringify({ input: { prompt: "csrf", width: 64, height: 64 } }),
    });
    expect(fromElsewhere.status).toBe(403);
    const signOutFromElsewhere = await fetch(`${gateway.url}/sign-out`, {
      method: "POST",
      headers: { cookie, origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf }),
      redirect: "manual",
    });
    expect(signOutFromElsewhere.status).toBe(403);
    expect(await predictionCount()).toBe(before);

    expect(await post({ "x-csrf-token": csrf })).toBe(201);
    expect(await predictionCount()).toBe(before + 1);
    await context.close();
  });
});

describe("the /ui/api pass-through", () => {
  it("reaches the public API and nothing else, whatever dot segments the path holds", async () => {
    const { context } = await signedInPage(browser, gateway.url, gateway.token);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(gateway.url);
        request({ hostname, port, path, headers: { cookie } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
    expect(await status("/ui/api/v1/account")).toBe(200);
    expect(await status("/ui/api/openai/v1/models")).toBe(200);
    for (const outside of [
      "/ui/api/health",
      "/ui/api/v1/%2e%2e/health",
      "/ui/api/v1/%2E%2E/%2e%2e/sign-in",
      "/ui/api/v1/../openapi.json",
    ])
      expect(await status(outside), outside).toBe(404);
    await context.close();
  });
});

describe("page headers", () => {
  it("serves every page with a Content-Security-Policy without inline scripts and with no framing", async () => {
    const { context, page } = await signedInPage(browser, gateway.url, gateway.token);
    for (const path of ["/sign-in", "/playground", "/predictions"]) {
      const response = await page.goto(path);
      const policy = response?.headers()["content-security-policy"] ?? "";
      expect(policy, path).toContain("script-src 'self'");
      expect(policy, path).toContain("frame-ancestors 'none'");
      expect(policy, path).not.toContain("unsafe-inline");
      expect(response?.headers()["x-frame-options"], path).toBe("DENY");
    }
    await context.close();
  });
});
