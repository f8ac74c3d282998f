/** A request body size limit whose breach is gengate's 413, with `what` naming what was too large. */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { GatewayError } from "../core/errors.ts";

export function limitBody(maxSize: number, what = "Request body"): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new GatewayError("payload_too_large", `${what} must be less than ${maxSize} bytes`);
    },
  });
}
