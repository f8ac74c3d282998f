/** Where the browser reached the dashboard, for cookies and same-origin checks. */
import type { Context } from "hono";

/** The origin the browser used: the request's host with its protocol (a proxy's X-Forwarded-Proto wins). */
export function requestOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
  return proto ? `${proto}://${url.host}` : url.origin;
}

export function isHttps(c: Context): boolean {
  return requestOrigin(c).startsWith("https:");
}

/** Whether the request's Origin header is this dashboard's own (as reached now, or as PUBLIC_URL). */
export function isSameOrigin(c: Context, publicUrl: string | undefined): boolean {
  const origin = c.req.header("origin");
  if (!origin) return false;
  return origin === requestOrigin(c) || (publicUrl !== undefined && origin === new URL(publicUrl).origin);
}
