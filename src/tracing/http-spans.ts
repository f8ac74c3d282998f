/**
 * A server span for each HTTP request, continuing the caller's W3C `traceparent` when it sends one.
 * It is named by method and route pattern (`POST /v1/models/:owner/:name/predictions`) and carries
 * only the method, route and status: never a path with an id in it, a query, a header or a body.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { tracing } from "./tracing.ts";

/** The middleware, or undefined when tracing is off (so requests pass no extra step). */
export function requestSpans(): MiddlewareHandler | undefined {
  if (!tracing().enabled) return undefined;
  return async (c, next) => {
    const method = c.req.method;
    const span = tracing().start(method, {
      kind: "server",
      parent: c.req.header("traceparent") ?? undefined,
      attributes: { "http.request.method": method },
    });
    let failure: unknown;
    try {
      await span.run(next);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      // After the handler ran, the route that answered is known.
      const route = routePath(c);
      if (route) {
        span.setName(`${method} ${route}`);
        span.setAttribute("http.route", route);
      }
      span.setAttribute("http.response.status_code", c.res.status);
      span.end(failure ?? (c.res.status >= 500 ? `answered ${c.res.status}` : undefined));
    }
  };
}
