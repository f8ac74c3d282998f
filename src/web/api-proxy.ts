/**
 * `/ui/api/*`: the pages' scripts reach the public API here. The session and CSRF checks run
 * before (see web-app.ts); the call goes on with the session's token as a Bearer, in-process.
 */
import type { Context } from "hono";
import { GatewayError } from "../core/errors.ts";
import { callApi } from "./api-client.ts";
import type { ApiFetch, WebEnv } from "./web-env.ts";

export const UI_API = "/ui/api";

const PUBLIC_API = /^\/(v1|openai\/v1)\//;
const FORWARDED_HEADERS = [
  "accept",
  "content-type",
  "content-length",
  "prefer",
  "cancel-after",
  "idempotency-key",
  "last-event-id",
];

export function apiProxy(api: ApiFetch) {
  return async (c: Context<WebEnv>): Promise<Response> => {
    // Resolved first, so that no dot segment (`%2e%2e`) can step out of the public API.
    const requested = new URL(c.req.url);
    const target = new URL(`${requested.pathname.slice(UI_API.length)}${requested.search}`, requested);
    if (!PUBLIC_API.test(target.pathname))
      throw new GatewayError("not_found", `no API route ${target.pathname}`);
    const headers = new Headers();
    for (const name of FORWARDED_HEADERS) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    const response = await callApi(c, api, c.get("session").token, `${target.pathname}${target.search}`, {
      method: c.req.method,
      headers,
      body: c.req.raw.body,
    });
    const answer = new Response(response.body, response);
    answer.headers.delete("set-cookie");
    return answer;
  };
}
