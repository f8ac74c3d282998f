/**
 * Stored files at `/files/<sha256>.<ext>`: output files, and the inputs gengate hands to models.
 * Links are signed and expire (unless GENGATE_PUBLIC_FILES=1), so knowing a file's hash is not
 * enough to read it. Bytes are streamed from the driver with range requests and ETags, or, with
 * STORAGE_SERVE=redirect, the client is sent to a short-lived URL of the blob store itself.
 */
import { Readable } from "node:stream";
import type { Context } from "hono";
import { Hono } from "hono";
import { GatewayError } from "../../core/errors.ts";
import { contentTypeOfKey, isPublicBlobKey } from "../../storage/blob-storage.ts";
import type { LinkCheck } from "../../storage/file-links.ts";
import type { ApiDeps } from "../api-context.ts";
import { rangeOf } from "../byte-range.ts";

/** How long a redirect's URL of the blob store works: long enough to start the download. */
const REDIRECT_SECONDS = 300;
const PUBLIC_CACHE = "public, max-age=31536000, immutable";

const REFUSALS: Record<Exclude<LinkCheck, "ok">, string> = {
  unsigned: "file links are signed: fetch the prediction (or batch, LoRA…) again for a link to this file",
  bad_signature: "this file link's signature is not valid",
  expired: "this file link has expired: fetch the prediction (or batch, LoRA…) again for a fresh link",
};

/** An ETag list (`If-None-Match`) names this entity tag. */
const matches = (list: string | undefined, etag: string) =>
  list !== undefined &&
  (list.trim() === "*" || list.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag));

export function outputFileRoutes({ storage, links, config }: ApiDeps): Hono {
  const app = new Hono();
  // Hono answers HEAD with this GET route, without the body.
  app.get("/files/:key", async (c: Context) => {
    const key = c.req.param("key") ?? "";
    if (!isPublicBlobKey(key)) throw new GatewayError("not_found", "file not found");
    const expires = c.req.query("expires");
    const check = links.check(key, expires, c.req.query("sig"));
    if (check !== "ok") throw new GatewayError("forbidden", REFUSALS[check]);
    const cacheControl = links.signed
      ? `private, max-age=${links.secondsLeft(expires)}, immutable`
      : PUBLIC_CACHE;
    // The key is the content's hash: whoever holds a valid link and the tag holds these bytes.
    const etag = `"${key.slice(0, key.indexOf("."))}"`;
    if (matches(c.req.header("if-none-match"), etag)) {
      c.header("ETag", etag);
      c.header("Cache-Control", cacheControl);
      return c.body(null, 304);
    }
    const info = await storage.stat(key);
    if (!info) throw new GatewayError("not_found", "file not found");
    if (config.storageServe === "redirect" && storage.signedUrl) {
      const seconds = Math.min(
        REDIRECT_SECONDS,
        links.signed ? links.secondsLeft(expires) : REDIRECT_SECONDS,
      );
      c.header("Cache-Control", `private, max-age=${Math.floor(seconds / 2)}`);
      return c.redirect(await storage.signedUrl(key, seconds), 302);
    }
    c.header("Accept-Ranges", "bytes");
    const ifRange = c.req.header("if-range");
    const range =
      ifRange === undefined || ifRange === etag ? rangeOf(c.req.header("range"), info.size) : undefined;
    if (range === null) {
      c.header("Content-Range", `bytes */${info.size}`);
      throw new GatewayError("range_not_satisfiable", `the file has ${info.size} bytes`);
    }
    c.header("ETag", etag);
    c.header("Cache-Control", cacheControl);
    c.header("Content-Type", contentTypeOfKey(key));
    const length = range ? range.end - range.start + 1 : info.size;
    c.header("Content-Length", String(length));
    if (range) c.header("Content-Range", `bytes ${range.start}-${range.end}/${info.size}`);
    const status = range ? 206 : 200;
    if (c.req.method === "HEAD") return c.body(null, status);
    return c.body(Readable.toWeb(await storage.open(key, range)) as ReadableStream, status);
  });
  return app;
}
