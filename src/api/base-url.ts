import type { Context } from "hono";
import type { Links } from "../core/links.ts";
import type { FileLinks } from "../storage/file-links.ts";

/** Where this client reaches gengate: PUBLIC_URL when set, else the origin it called. */
export function baseUrlOf(c: Context, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const url = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto");
  return proto ? `${proto}://${url.host}` : url.origin;
}

/** Where this client reaches gengate, and its (signed) links to stored files there. */
export function linksOf(
  c: Context,
  deps: { config: { publicUrl: string | undefined }; links: FileLinks },
): Links {
  return deps.links.for(baseUrlOf(c, deps.config.publicUrl));
}
