/**
 * `x-request-id` on every answer: the client's own when it sent a usable one (Hono's rules: at
 * most 255 of `[A-Za-z0-9_=-]`), else a new UUID. Set again once the route has answered if its
 * answer lacks it, since one a route builds itself (a streamed zip) does not carry headers set
 * before; only then, as Hono adds a header to a finished answer by copying it into a new one whose
 * body is a stream, which Node then writes chunk by chunk.
 */
import type { MiddlewareHandler } from "hono";
import { type RequestIdVariables, requestId } from "hono/request-id";

const HEADER = "x-request-id";
const assignRequestId = requestId({ headerName: HEADER });

export const requestIds: MiddlewareHandler<{ Variables: RequestIdVariables }> = async (c, next) => {
  await assignRequestId(c, next);
  if (!c.res.headers.has(HEADER)) c.header(HEADER, c.get("requestId"));
};
