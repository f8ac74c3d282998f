/** Calls the public API in-process as the signed-in user, so tenant scoping is exactly the API's. */
import type { Context } from "hono";
import createClient, { type Client } from "openapi-fetch";
import { codeOfStatus } from "../api/problem.ts";
import type { paths } from "../api-client/api-types.ts";
import { GatewayError } from "../core/errors.ts";
import type { ApiFetch } from "./web-env.ts";

export interface ApiCall {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
}

/** `path` is an API path with its query (`/v1/...`); URLs in the answer are the browser's origin's. */
export function callApi(c: Context, api: ApiFetch, token: string, path: string, call: ApiCall = {}) {
  const headers = new Headers(call.headers);
  const init: RequestInit & { duplex?: "half" } = {
    method: call.method ?? "GET",
    headers,
    signal: c.req.raw.signal,
  };
  if (call.body) {
    init.body = call.body;
    init.duplex = "half";
  }
  return api(asUser(c, token, new Request(new URL(path, c.req.url), init)));
}

/**
 * The API as the signed-in user, typed by its OpenAPI document: a path or field the API no longer
 * has fails the type check. Calls go in-process like `callApi`'s.
 */
export function typedApi(c: Context, api: ApiFetch, token: string): Client<paths> {
  return createClient<paths>({
    baseUrl: new URL(c.req.url).origin,
    signal: c.req.raw.signal,
    fetch: async (request) => api(asUser(c, token, request)),
  });
}

/** What a typed GET answered; `undefined` when the API answers 404. Other failures are the API's error. */
export async function found<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T | undefined> {
  const { data, error, response } = await call;
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new GatewayError(codeOfStatus(response.status), problemDetail(error, response.status));
  return data;
}

/** The token as a Bearer, and the browser's scheme so that URLs in the answer are the ones it can follow. */
function asUser(c: Context, token: string, request: Request): Request {
  request.headers.set("authorization", `Bearer ${token}`);
  const proto = c.req.header("x-forwarded-proto");
  if (proto) request.headers.set("x-forwarded-proto", proto);
  return request;
}

function problemDetail(problem: unknown, status: number): string {
  const detail = typeof problem === "object" && problem !== null && "detail" in problem && problem.detail;
  return typeof detail === "string" ? detail : `the API answered ${status}`;
}
