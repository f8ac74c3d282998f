/**
 * What every answer of gengate's HTTP app passes through first: the request's span (when tracing
 * is on), the request metrics (when metrics are on), security headers, and CORS on the API's paths for browser apps (when
 * GENGATE_CORS_ORIGINS is set).
 */
import type { Env, Hono, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { requestSpans } from "../tracing/http-spans.ts";

/** What browser apps call: the APIs, output files and the OpenAPI document; never the dashboard's session API. */
const CORS_PATHS = ["/v1/*", "/openai/v1/*", "/files/*", "/openapi.json"];
/** Answer headers a browser app reads (the others it may read are CORS-safelisted). */
const EXPOSED_HEADERS = [
  "Location",
  "Retry-After",
  "X-Request-Id",
  "Preference-Applied",
  "ETag",
  "Accept-Ranges",
  "Content-Range",
  "Content-Disposition",
  "X-Should-Retry",
  "X-Gengate-Dropped-Params",
];
const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
/** How long a browser may keep a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface EdgeOptions {
  /** Browser origins allowed to call the API (`["*"]`: any); undefined: no CORS headers at all. */
  corsOrigins: string[] | undefined;
  /** Times and counts each request (the metrics' middleware), when metrics are on. */
  requestMetrics: MiddlewareHandler | undefined;
}

export function useHttpEdge<E extends Env>(app: Hono<E>, { corsOrigins, requestMetrics }: EdgeOptions): void {
  const spans = requestSpans();
  if (spans) app.use(spans);
  if (requestMetrics) app.use(requestMetrics);
  app.use(
    secureHeaders({
      // The dashboard's pages set stricter headers of their own (their CSP, DENY framing, and a
      // same-origin referrer, without which a browser sends its forms' Origin as "null").
      overwrite: false,
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      // No includeSubDomains: gengate does not speak for the other hosts of its domain.
      strictTransportSecurity: "max-age=15552000",
    }),
  );
  // Output links are made to be shown anywhere (an <img> on a browser app's page).
  app.use("/files/*", async (c, next) => {
    await next();
    c.header("Cross-Origin-Resource-Policy", "cross-origin");
  });
  if (!corsOrigins) return;
  const allowed = cors({
    origin: corsOrigins.includes("*") ? "*" : corsOrigins,
    allowMethods: ALLOWED_METHODS,
    // No allowHeaders: the headers a preflight asks for are allowed (Authorization, the OpenAI SDK's
    // own x-stainless-*). Credentials (cookies) never are, so a page can only send a token it holds.
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
  for (const path of CORS_PATHS) app.use(path, allowed);
}
