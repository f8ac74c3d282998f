/** Ids and names in a path never hold a NUL (`%00`): no row can have one, and PostgreSQL cannot look one up. */
import type { MiddlewareHandler } from "hono";
import { GatewayError } from "../core/errors.ts";

export const refuseNulInPath: MiddlewareHandler = async (c, next) => {
  // Hono's path is percent-decoded already.
  const { path } = c.req;
  if (path.includes("\0")) {
    const segment = path.split("/").find((part) => part.includes("\0")) ?? path;
    const shown = encodeURIComponent(segment);
    const description = `path segment ${shown} must not contain NUL characters (%00)`;
    throw new GatewayError("bad_request", description, {
      invalidFields: [{ type: "format", field: "path", description }],
    });
  }
  await next();
};
