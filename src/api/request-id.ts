/**
 * `x-request-id` on every answer: the client's own when it sent a usable one (Hono's rules: at
 * most 255 of `[A-Za-z0-9_=-]`), else a new UUID. Set again once the route has answered, since
 * answers a route builds itself (a streamed zip) do not carry headers set before.
 */
import type { MiddlewareHandler } from "hono";
import { type RequestIdVariables, requestId } from "hono/request-id";

const HEADER = "x-request-id";
const assignRequestId = requestId({ headerName: HEADER });

export const requestIds: MiddlewareHandler<{ Variables: RequestIdVariables }> = async (c, next) => {
  await assignRequestId(c, next);
  c.header(HEADER, c.get("requestId"));
};
