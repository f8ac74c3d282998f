import type { Context } from "hono";

/** Where this client reaches gengate: PUBLIC_URL when set, else the origin it called. */
export function baseUrlOf(c: Context, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const url = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto");
  return proto ? `${proto}://${url.host}` : url.origin;
}
