/** Calls the public API in-process as the signed-in user, so tenant scoping is exactly the API's. */
import type { Context } from "hono";
import { codeOfStatus } from "../api/problem.ts";
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

/** GET `path` as JSON; `undefined` when the API answers 404. Other failures are the API's error. */
export async function getApiJson<T>(
  c: Context,
  api: ApiFetch,
  token: string,
  path: string,
): Promise<T | undefined> {
  const response = await callApi(c, api, token, path, { headers: { accept: "application/json" } });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new GatewayError(codeOfStatus(response.status), await problemDetail(response));
  return (await response.json()) as T;
}

async function problemDetail(response: Response): Promise<string> {
  const problem = (await response.json().catch(() => null)) as { detail?: unknown } | null;
  return typeof problem?.detail === "string" ? problem.detail : `the API answered ${response.status}`;
}
