/** Records every request (and its final status) into a list the tests read. */
import type { Context, MiddlewareHandler } from "hono";
import type { FakeEnv } from "./context.ts";
import type { RecordedRequest } from "./types.ts";

/** Bodies above this are recorded only when the handler read them anyway. */
const MAX_UNREAD_BODY = 1_000_000;

export function recordRequests(log: RecordedRequest[]): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const headers = Object.fromEntries(c.req.raw.headers);
    if (headers.authorization !== undefined) headers.authorization = "[redacted]";
    const entry: RecordedRequest = {
      method: c.req.method,
      path: url.pathname,
      query: url.search.slice(1),
      status: 0,
      at: Date.now(),
      body: null,
      headers,
      clientPort: c.env?.incoming?.socket?.remotePort,
    };
    log.push(entry);
    try {
      await next();
    } finally {
      if (!c.get("connectionDestroyed")) entry.status = c.res.status;
      entry.body = await bodyOf(c);
    }
  };
}

async function bodyOf(c: Context<FakeEnv>): Promise<unknown> {
  if (!c.req.raw.body) return null;
  const unread = Object.keys(c.req.bodyCache).length === 0;
  if (unread && (c.get("connectionDestroyed") || Number(c.req.header("content-length")) > MAX_UNREAD_BODY)) {
    return null;
  }
  try {
    if (c.req.header("content-type")?.startsWith("multipart/form-data")) {
      const form = await c.req.formData();
      return Object.fromEntries(
        [...form].map(([name, value]) => [
          name,
          typeof value === "string" ? value : { filename: value.name, type: value.type, size: value.size },
        ]),
      );
    }
    const text = await c.req.text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  } catch {
    return null;
  }
}
