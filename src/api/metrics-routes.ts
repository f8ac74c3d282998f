/**
 * `GET /metrics` for Prometheus: behind the metrics token when one is set (any other caller gets a
 * 401), on the main port or on a port of its own; when metrics are off, a 404 saying how to turn
 * them on.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { GatewayError } from "../core/errors.ts";
import { problem } from "./problem.ts";

export interface MetricsSource {
  scrape(): Promise<{ body: string; contentType: string }>;
}

/**
 * `served`: the metrics, for scrapers holding `token` (anyone, when it is undefined);
 * `elsewhere`: served on their own port, so nothing here; `off`: not collected at all.
 */
export type MetricsAccess =
  | { kind: "served"; source: MetricsSource; token: string | undefined }
  | { kind: "elsewhere" }
  | { kind: "off" };

export function metricsRoutes(access: MetricsAccess): Hono {
  const app = new Hono();
  if (access.kind === "elsewhere") return app;
  if (access.kind === "off") {
    app.get("/metrics", (c) =>
      problem(
        c,
        new GatewayError(
          "not_found",
          "metrics are off: set GENGATE_METRICS_TOKEN (scrape with it as a Bearer token) or GENGATE_METRICS_PORT",
        ),
      ),
    );
    return app;
  }
  const { source, token } = access;
  const expected = token === undefined ? undefined : digest(token);
  app.get("/metrics", async (c) => {
    if (expected && !carries(c.req.header("authorization"), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return problem(
        c,
        new GatewayError(
          "unauthenticated",
          "/metrics needs the metrics token (GENGATE_METRICS_TOKEN) as a Bearer token",
        ),
      );
    }
    const { body, contentType } = await source.scrape();
    return c.body(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  });
  return app;
}

/** Whether `header` is `Bearer <the token>`, compared in constant time. */
function carries(header: string | undefined, expected: Buffer): boolean {
  const sent = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  return sent !== undefined && timingSafeEqual(digest(sent), expected);
}

const digest = (token: string) => createHash("sha256").update(token).digest();
