/** Calls the public API in-process as the signed-in user, so tenant scoping is exactly the API's. */
import type { Context } from "hono";
import type { ApiFetch } from "./web-env.ts";

export interface ApiCall {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
}

/** `path` is an API path with its query (`/v1/...`); URLs in the answer are the browser's origin's. */
export function callApi(c: Context, api: ApiFetch, token: string, path: string, call: ApiCall = {}) {
  const headers = new Headers(call.headers);
  headers.set("authorization", `Bearer ${token}`);
  const proto = c.req.header("x-forwarded-proto");
  if (proto) headers.set("x-forwarded-proto", proto);
  const init: RequestInit & { duplex?: "half" } = {
    method: call.method ?? "GET",
    headers,
    signal: c.req.raw.signal,
  };
  if (call.body) {
    init.body = call.body;
    init.duplex = "half";
  }
  return api(new Request(new URL(path, c.req.url), init));
}

/** GET `path` as JSON; `undefined` when the API answers 404. Other failures throw. */
export async function getApiJson<T>(
  c: Context,
  api: ApiFetch,
  token: string,
  path: string,
): Promise<T | undefined> {
  const response = await callApi(c, api, token, path, { headers: { accept: "application/json" } });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new ApiCallError(response.status, await response.text());
  return (await response.json()) as T;
}

export class ApiCallError extends Error {
  readonly status: number;

  constructor(status: number, body: string) {
    super(`the API answered ${status}: ${body.slice(0, 200)}`);
    this.status = status;
  }
}
