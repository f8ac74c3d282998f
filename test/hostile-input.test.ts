/**
 * Hostile input is a 4xx naming what is wrong, on SQLite and PostgreSQL alike, and writes nothing:
 * every list route with a cursor no page gave, every route with a parameter holding `%00`, JSON
 * nested 10,000 deep or holding a NUL, malformed file URLs, and an image route asked for text.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { createApp } from "../src/api/app.ts";
import type { TestGateway } from "./support/gateway.ts";
import { describeEachGateway } from "./support/gateway-backends.ts";

/** The list routes: each takes a `cursor` from a previous page's `next`. */
const LISTS = [
  "/v1/predictions",
  "/v1/files",
  "/v1/batches",
  "/v1/loras",
  "/v1/trainings",
  "/v1/outputs",
  "/v1/admin/audit",
];
/** Replicate's own lists, passed through (Replicate judges their cursors): a 404 here, where it is not configured. */
const PASSED_THROUGH = ["/v1/deployments", "/v1/collections", "/v1/hardware"];
/** Parameterless GET routes under /v1 that are not paged lists. */
const NOT_LISTS = [
  "/v1/models",
  "/v1/webhooks/default/secret",
  "/v1/account",
  "/v1/admin/providers/check",
  "/v1/admin/providers/state",
  "/v1/admin/tokens",
  "/v1/admin/tenants",
  "/v1/usage",
  "/v1/lora-photo-limits",
];

const base64 = (text: string) => Buffer.from(text).toString("base64url");
const BAD_CURSORS = [
  base64('[1.5,"a"]'),
  base64('[1e999,"a"]'),
  base64('[-1e999,"a"]'),
  base64('[1e20,"a"]'),
  base64('[-1,"a"]'),
  base64('[1,"a\\u0000"]'),
  base64(`[1,"${"a".repeat(65)}"]`),
  base64("{}"),
  "not-a-cursor",
];

function routesOf(gateway: TestGateway): { method: string; path: string }[] {
  const app = createApp(gateway.apiDeps);
  const seen = new Set<string>();
  return app.routes
    .filter((route) => route.method !== "ALL" && !route.path.endsWith("*"))
    .filter(
      (route) => !seen.has(`${route.method} ${route.path}`) && seen.add(`${route.method} ${route.path}`),
    )
    .map(({ method, path }) => ({ method, path }));
}

/** What an error names: problem+json's `invalid_fields`, or OpenAI's `param`. */
async function namedFields(response: Response): Promise<string[]> {
  const body = (await response.json()) as {
    invalid_fields?: { field: string }[];
    error?: { param: string | null };
  };
  return body.invalid_fields?.map((f) => f.field) ?? (body.error?.param ? [body.error.param] : []);
}

async function expectNothingWritten(gateway: TestGateway) {
  const { db } = gateway.store.database;
  for (const table of ["predictions", "files", "batches", "loras", "webhook_deliveries"] as const) {
    const rows = await db
      .selectFrom(table)
      .select(db.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(rows.n), table).toBe(0);
  }
}

/** JSON text of arrays nested `depth` deep (JSON.stringify would overflow its own stack). */
const deepJson = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
const DEEP = "\u0001deep";

describeEachGateway("hostile input", {}, (gateway) => {
  it("every list answers 400 naming `cursor` for a cursor no page gave", async () => {
    const collections = routesOf(gateway())
      .filter((route) => route.method === "GET" && route.path.startsWith("/v1/") && !route.path.includes(":"))
      .map((route) => route.path);
    expect(collections.sort()).toEqual([...LISTS, ...NOT_LISTS, ...PASSED_THROUGH].sort());
    for (const list of PASSED_THROUGH) {
      expect((await gateway().api(`${list}?cursor=${BAD_CURSORS[0]}`)).status, list).toBe(404);
    }
    for (const list of LISTS) {
      for (const cursor of BAD_CURSORS) {
        const response = await gateway().api(`${list}?cursor=${cursor}`);
        expect(response.status, `${list} ${cursor}`).toBe(400);
        expect(await namedFields(response)).toEqual(["cursor"]);
      }
    }
    await expectNothingWritten(gateway());
  });

  it("every route with a parameter answers 4xx for one holding %00, and /v1 names the path", async () => {
    const routes = routesOf(gateway()).filter((route) => route.path.includes(":"));
    expect(routes.length).toBeGreaterThan(15);
    for (const { method, path } of routes) {
      const url = path.replace(/:\w+(\{[^}]*\})?/g, "a%00b");
      const response = await gateway().api(url, {
        method,
        ...(method === "POST" && { body: "{}", headers: { "content-type": "application/json" } }),
      });
      expect(response.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${url}`).toBeLessThan(500);
      if (path.startsWith("/v1/")) {
        expect(response.status, `${method} ${url}`).toBe(400);
        expect(await namedFields(response)).toEqual(["path"]);
      }
    }
    await expectNothingWritten(gateway());
  });

  it("JSON nested 10,000 deep or holding a NUL is a 422 naming the field, on every JSON route", async () => {
    const routes: [path: string, body: (bad: unknown) => object, field: string][] = [
      ["/v1/predictions", (bad) => ({ version: "sim/image", input: { prompt: "x", bad } }), "input.bad"],
      ["/v1/models/sim/image/predictions", (bad) => ({ input: { prompt: "x", bad } }), "input.bad"],
      ["/v1/deployments/sim/image/predictions", (bad) => ({ input: { prompt: "x", bad } }), "input.bad"],
      [
        "/v1/batches",
        (bad) => ({ model: "sim/image", items: [{ input: { prompt: "x", bad } }] }),
        "items[0].input.bad",
      ],
      [
        "/v1/models/sim/lora-trainer/versions/x/trainings",
        (bad) => ({ destination: "sim-lora/x", input: { bad } }),
        "input.bad",
      ],
      ["/v1/loras", (bad) => ({ name: "x", params: { bad } }), "params.bad"],
      ["/openai/v1/images/generations", (bad) => ({ prompt: "x", bad }), "bad"],
      [
        "/openai/v1/chat/completions",
        (bad) => ({ model: "sim/text", messages: [{ role: "user", content: "x" }], bad }),
        "bad",
      ],
    ];
    for (const [path, body, field] of routes) {
      for (const bad of [DEEP, "a\u0000b"]) {
        const response = await gateway().api(path, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body(bad)).replace(JSON.stringify(DEEP), deepJson(10_000)),
        });
        expect(response.status, path).toBe(422);
        // Nesting is reported at the field the client wrote, not 64 levels under it.
        expect(await namedFields(response), path).toEqual([field]);
      }
    }
    await expectNothingWritten(gateway());
  });

  it("malformed file URLs on the local tools and LoRA routes are 422s naming the field", async () => {
    const urls = [
      "data:image/png,%FF",
      "http://[::1]:99999/x",
      "data:image/png;base64,!!!",
      "file:///etc/passwd",
    ];
    for (const url of urls) {
      const tool = await gateway().api("/v1/models/local/remove-background/predictions", {
        method: "POST",
        body: JSON.stringify({ input: { image: url } }),
      });
      expect(tool.status, url).toBe(422);
      expect(await namedFields(tool), url).toEqual(["input.image"]);
      for (const [body, field] of [
        [{ name: "pics", zip_url: url }, "zip_url"],
        [{ name: "pics", photo_urls: [url] }, "photo_urls.0"],
      ] as const) {
        const lora = await gateway().api("/v1/loras", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(lora.status, `${field} ${url}`).toBe(422);
        expect(await namedFields(lora), `${field} ${url}`).toEqual([field]);
      }
    }
    await expectNothingWritten(gateway());
  });

  it("the OpenAI image routes refuse a text model naming `model`, before any prediction", async () => {
    const generation = await gateway().api("/openai/v1/images/generations", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x", model: "sim/text" }),
    });
    expect(generation.status).toBe(400);
    expect(await namedFields(generation)).toEqual(["model"]);
    const form = new FormData();
    const photo = readFileSync(new URL("./fixtures/astronaut.jpg", import.meta.url));
    form.append("image", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "a.jpg");
    form.append("prompt", "x");
    form.append("model", "sim/text");
    const edit = await gateway().api("/openai/v1/images/edits", { method: "POST", body: form });
    expect(edit.status).toBe(400);
    expect(await namedFields(edit)).toEqual(["model"]);
    await expectNothingWritten(gateway());
  });
});
