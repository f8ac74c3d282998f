/**
 * Cursor pagination: `{next, previous, results}` with absolute `next`/`previous` URLs on this host
 * (reference/replicate.md §2.6). The opaque cursor names the item a page starts after.
 */
import type { Context } from "hono";
import { badRequest } from "./problem.ts";

const PAGE_SIZE = 100;

interface Cursor {
  /** "o": items older than `at`; "n": items newer than `at`. */
  d: "o" | "n";
  at: number;
}

const encode = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decode(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, "base64url").toString()) as Cursor;
    if ((cursor.d === "o" || cursor.d === "n") && Number.isInteger(cursor.at)) return cursor;
  } catch {}
  throw badRequest("Invalid cursor", "The cursor is not valid");
}

/**
 * One page of `items` (newest first); `position` orders them (higher = newer).
 * `toJson` turns each item into what the page shows.
 */
export function page<T>(
  c: Context,
  items: T[],
  position: (item: T) => number,
  toJson: (item: T) => unknown,
): { next: string | null; previous: string | null; results: unknown[] } {
  const raw = c.req.query("cursor");
  const cursor = raw === undefined ? undefined : decode(raw);
  let start = 0;
  if (cursor?.d === "o") {
    start = items.findIndex((item) => position(item) < cursor.at);
    if (start === -1) start = items.length;
  } else if (cursor?.d === "n") {
    const newer = items.filter((item) => position(item) > cursor.at).length;
    start = Math.max(0, newer - PAGE_SIZE);
  }
  const results = items.slice(start, start + PAGE_SIZE);
  const first = results[0];
  const last = results.at(-1);
  const link = (next: Cursor) => {
    const url = new URL(c.req.url);
    url.searchParams.set("cursor", encode(next));
    return url.toString();
  };
  return {
    next:
      last !== undefined && start + PAGE_SIZE < items.length ? link({ d: "o", at: position(last) }) : null,
    previous: first !== undefined && start > 0 ? link({ d: "n", at: position(first) }) : null,
    results: results.map(toJson),
  };
}
