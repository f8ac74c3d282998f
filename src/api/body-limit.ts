/** A request body size limit whose breach is gengate's 413, with `what` naming what was too large. */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { GatewayError } from "../core/errors.ts";

export function limitBody(maxSize: number, what = "Request body"): MiddlewareHandler {
  const tooLarge = () => {
    throw new GatewayError("payload_too_large", `${what} must be less than ${maxSize} bytes`);
  };
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    // A declared length is checked without touching the body: hono's limit asks the request for its
    // body stream first, which makes @hono/node-server build a whole WHATWG Request over Node's
    // stream, where the handler's read would otherwise take the bytes straight from it. A body
    // without a declared length (chunked) is counted as it is read.
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return counted(c, next);
    if (Number.parseInt(length, 10) > maxSize) tooLarge();
    await next();
  };
}
