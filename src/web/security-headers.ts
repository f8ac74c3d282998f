/** Headers of every dashboard page: a strict Content-Security-Policy (no inline script or style), no framing. */
import type { MiddlewareHandler } from "hono";

export function securityHeaders(publicUrl: string | undefined, fileOrigin?: string): MiddlewareHandler {
  const publicOrigin = publicUrl ? [new URL(publicUrl).origin] : [];
  if (fileOrigin) publicOrigin.push(fileOrigin);
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${["'self'", "data:", "blob:", ...publicOrigin].join(" ")}`,
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return async (c, next) => {
    await next();
    c.header("Content-Security-Policy", policy);
    c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    c.header("Cache-Control", "no-store");
  };
}
