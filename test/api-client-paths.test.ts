/**
 * The dashboard (its server and its scripts) and the Telegram bot call the API by paths of its OpenAPI
 * document, typed by the types generated from it, so tsc fails when one goes. This test says the same
 * without the type check: each API path and method written in their code is one the document has.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import { openApiDocument } from "../src/api/openapi.ts";

const root = join(import.meta.dirname, "..");
const API_PATH = /^\/(v1|openai\/v1)\//;

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".test.ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Each quoted API path in `code` (a template's, not a URL built at run time), and its method when written beside it. */
function pathsIn(code: string): { path: string; method: string | undefined }[] {
  const found: { path: string; method: string | undefined }[] = [];
  for (const match of code.matchAll(/"(\/[^"\s]*)"/g)) {
    const path = match[1] ?? "";
    if (!API_PATH.test(path)) continue;
    const start = match.index ?? 0;
    const before = code.slice(Math.max(0, start - 8), start);
    const rest = code.slice(start + match[0].length, start + match[0].length + 300);
    const call = rest.slice(0, rest.indexOf(");") + 1 || undefined);
    // The typed server client: `.GET("/v1/...")`; the scripts' `api("/v1/...", { method: "POST", ... })`,
    // a GET when no method is written, and `apiUrl`, a GET's URL.
    const clientMethod = /\.(GET|POST|PUT|PATCH|DELETE)\($/.exec(before)?.[1];
    const scriptMethod = /^\s*,\s*\{\s*method:\s*"(\w+)"/.exec(call)?.[1];
    const scriptGet = /\bapiUrl\($/.test(before) || (/\bapi\($/.test(before) && !/method:/.test(call));
    found.push({
      path,
      method: clientMethod ?? scriptMethod ?? (scriptGet ? "GET" : undefined),
    });
  }
  return found;
}

type Paths = Record<string, Record<string, unknown>>;
const documentPaths = () => (openApiDocument() as { paths: Paths }).paths;

/** The calls in `code` whose path, or path and method, the document does not have. */
function unknownCalls(code: string, paths: Paths): string[] {
  return pathsIn(code)
    .filter(({ path, method }) => {
      const operations = paths[path];
      return !operations || (method !== undefined && !(method.toLowerCase() in operations));
    })
    .map(({ path, method }) => `${method ?? "any method of"} ${path}`);
}

it("has every path and method the dashboard and the bot call", async () => {
  const paths = documentPaths();
  const files = [...(await sources("src/web")), ...(await sources("src/telegram"))];
  const used: string[] = [];
  const unknown: string[] = [];
  for (const file of files) {
    const code = await readFile(file, "utf8");
    used.push(...pathsIn(code).map(({ path, method }) => `${method ?? "?"} ${path}`));
    unknown.push(...unknownCalls(code, paths).map((call) => `${relative(root, file)}: ${call}`));
  }
  expect(unknown).toEqual([]);
  // What the scan must see, so that it cannot pass by finding nothing.
  expect(used).toEqual(
    expect.arrayContaining([
      "GET /v1/lora-photo-limits",
      "GET /v1/loras/{id}",
      "POST /v1/loras",
      "POST /v1/files",
      "GET /v1/predictions/{id}/stream",
      "POST /v1/predictions/{id}/cancel",
      "GET /v1/account",
      "DELETE /v1/admin/tokens/{id}",
      "POST /v1/models/{owner}/{name}/predictions",
      "GET /v1/batches/{id}/events",
      "? /v1/favorites/{id}/{index}",
    ]),
  );
});

it("names a call whose path, or method, the document lacks", () => {
  const code = [
    'await client.GET("/v1/not-a-path");',
    'await client.GET("/v1/loras/{id}", { params });',
    'api("/v1/loras/{id}", { method: "PATCH", params });',
    'api("/v1/loras/{id}/cancel", { params });',
    'api("/v1/loras/{id}", { method: choice ? "DELETE" : "PUT", params });',
    'new EventSource(apiUrl("/v1/batches/{id}/events/all", { params }));',
  ].join("\n");
  expect(unknownCalls(code, documentPaths())).toEqual([
    "GET /v1/not-a-path",
    "PATCH /v1/loras/{id}",
    "GET /v1/loras/{id}/cancel",
    "GET /v1/batches/{id}/events/all",
  ]);
});
