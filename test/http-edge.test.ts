/**
 * The HTTP edge over real requests: security headers on every kind of answer (the dashboard's
 * pages keeping their stricter ones), and CORS for browser apps on the API's paths only when
 * GENGATE_CORS_ORIGINS allows their origin.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { METRICS_TOKEN } from "./support/prometheus.ts";

const APP = "https://app.example.com";
const DEV = "http://localhost:3000";

let gateway: TestGateway;
let output: string;
let predictionId: string;

beforeAll(async () => {
  gateway = await startGateway({
    GENGATE_CORS_ORIGINS: `${APP}, ${DEV}`,
    GENGATE_METRICS_TOKEN: METRICS_TOKEN,
  });
  const created = await gateway.api("/v1/models/sim/image/predictions", {
    method: "POST",
    headers: { prefer: "wait" },
    body: JSON.stringify({ input: { prompt: "x", width: 64, height: 64 } }),
  });
  const prediction = (await created.json()) as { id: string; output: string[] };
  predictionId = prediction.id;
  output = new URL(prediction.output[0] ?? "").pathname + new URL(prediction.output[0] ?? "").search;
});

afterAll(() => gateway.close());

async function answer(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await gateway.api(path, init);
  await response.body?.cancel();
  return response;
}

describe("security headers", () => {
  it("are on every kind of answer", async () => {
    const batch = (await (
      await gateway.api("/v1/batches", {
        method: "POST",
        body: JSON.stringify({
          model: "sim/image",
          items: [{ input: { prompt: "x", width: 64, height: 64 } }],
        }),
      })
    ).json()) as { id: string };
    const requests: [string, RequestInit?][] = [
      ["/health"],
      ["/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }],
      ["/metrics"],
      ["/openapi.json"],
      ["/v1/predictions"],
      [`/v1/predictions/${predictionId}/stream`],
      [`/v1/batches/${batch.id}/archive`],
      [output],
      ["/v1/predictions/nope"],
      ["/no/such/path"],
      ["/v1/models/sim/image/predictions", { method: "POST", body: "{" }],
      ["/openai/v1/models"],
      ["/assets/app.css"],
    ];
    for (const [path, init] of requests) {
      const { headers, status } = await answer(path, init);
      expect(status, path).toBeLessThan(500);
      expect(headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(headers.get("strict-transport-security"), path).toBe("max-age=15552000");
      expect(headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(headers.get("content-security-policy"), path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(headers.get("cross-origin-opener-policy"), path).toBe("same-origin");
      expect(headers.get("cross-origin-resource-policy"), path).toBe(
        path === output ? "cross-origin" : "same-origin",
      );
    }
    const unauthenticated = await fetch(`${gateway.url}/v1/predictions`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("leave the dashboard's pages their own, stricter ones", async () => {
    const page = await fetch(`${gateway.url}/sign-in`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(page.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    // Without a same-origin referrer a browser sends the sign-in form's Origin as "null".
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("CORS", () => {
  it("answers a browser app's preflight from an allowed origin, Authorization included", async () => {
    const preflight = await fetch(`${gateway.url}/v1/models/sim/image/predictions`, {
      method: "OPTIONS",
      headers: {
        origin: APP,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, prefer",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(APP);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(preflight.headers.get("access-control-max-age")).toBe("600");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    expect(preflight.headers.get("vary")).toContain("Origin");
  });

  it("lets the app read the answer and the headers it needs, errors included", async () => {
    const created = await gateway.api("/v1/models/sim/image/predictions", {
      method: "POST",
      headers: { origin: DEV, prefer: "wait" },
      body: JSON.stringify({ input: { prompt: "x", width: 64, height: 64 } }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("access-control-allow-origin")).toBe(DEV);
    const exposed = created.headers.get("access-control-expose-headers")?.split(",") ?? [];
    for (const header of ["Location", "Retry-After", "X-Request-Id", "Preference-Applied"])
      expect(exposed).toContain(header);
    const refused = await fetch(`${gateway.url}/v1/predictions`, { headers: { origin: APP } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(APP);
    const file = await fetch(`${gateway.url}${output}`, { headers: { origin: APP } });
    expect(file.status).toBe(200);
    expect(file.headers.get("access-control-allow-origin")).toBe(APP);
    const openai = await fetch(`${gateway.url}/openai/v1/images/generations`, {
      method: "OPTIONS",
      headers: {
        origin: APP,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,x-stainless-lang",
      },
    });
    expect(openai.headers.get("access-control-allow-origin")).toBe(APP);
    expect(openai.headers.get("access-control-allow-headers")).toContain("x-stainless-lang");
  });

  it("says nothing to other origins, nor on the dashboard's session API", async () => {
    const evil = "https://evil.example";
    const preflight = await fetch(`${gateway.url}/v1/predictions`, {
      method: "OPTIONS",
      headers: {
        origin: evil,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const read = await gateway.api("/v1/predictions", { headers: { origin: evil } });
    expect(read.status).toBe(200);
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
    const dashboard = await fetch(`${gateway.url}/ui/api/v1/predictions`, { headers: { origin: APP } });
    expect(dashboard.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS settings", () => {
  it("allow any origin with *, and none when unset", async () => {
    const any = await startGateway({ GENGATE_CORS_ORIGINS: "*" });
    const none = await startGateway();
    try {
      const ask = (base: string) =>
        fetch(`${base}/v1/predictions`, {
          method: "OPTIONS",
          headers: { origin: "https://anywhere.example", "access-control-request-method": "GET" },
        });
      const open = await ask(any.url);
      expect([open.status, open.headers.get("access-control-allow-origin")]).toEqual([204, "*"]);
      const closed = await ask(none.url);
      expect(closed.headers.get("access-control-allow-origin")).toBeNull();
      expect(closed.headers.get("access-control-allow-methods")).toBeNull();
    } finally {
      await any.close();
      await none.close();
    }
  });
});
