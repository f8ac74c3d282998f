/** /openapi.json describes every route the API serves, with the same methods. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../src/api/app.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(() => gateway.close());

it("documents each served route and method", async () => {
  const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
  };
  expect(document.openapi).toBe("3.1.0");
  const app = createApp(gateway.apiDeps);
  const served = app.routes
    .filter((route) => route.method !== "ALL" && !route.path.endsWith("*"))
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`);
  const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method} ${path}`),
  );
  expect(served.length).toBeGreaterThan(15);
  expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
});
