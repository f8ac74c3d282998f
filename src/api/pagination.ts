/** Opaque cursors and absolute `next` links, as the Replicate clients expect (reference/replicate.md §2.6). */
import { z } from "zod";
import { GatewayError } from "../core/errors.ts";
import { ID_PATTERN } from "../core/ids.ts";
import { isTimestamp } from "../core/timestamps.ts";
import type { KeysetCursor } from "../store/index.ts";

/** What a cursor holds: a row's creation time (ms since the epoch) and id, as `encodeCursor` wrote them. */
const cursorSchema = z.tuple([z.int().refine(isTimestamp), z.string().regex(ID_PATTERN)]);

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString("base64url");
}

export function decodeCursor(value: string | undefined): KeysetCursor | undefined {
  if (!value) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    // reported below
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (parsed.success) return { createdAt: parsed.data[0], id: parsed.data[1] };
  const description = "cursor is not valid; use the next link of a previous page";
  throw new GatewayError("bad_request", description, {
    invalidFields: [{ type: "format", field: "cursor", description }],
  });
}

export interface Page<T> {
  next: string | null;
  previous: string | null;
  results: T[];
}

/** `rows` holds up to pageSize + 1 items; the extra one only tells that there is a next page. */
export function pageOf<T, R>(
  rows: T[],
  pageSize: number,
  pageUrl: string,
  cursorOf: (row: T) => KeysetCursor,
  render: (row: T) => R,
): Page<R> {
  const results = rows.slice(0, pageSize);
  const last = results.at(-1);
  let next: string | null = null;
  if (rows.length > pageSize && last) {
    const url = new URL(pageUrl);
    url.searchParams.set("cursor", encodeCursor(cursorOf(last)));
    next = url.toString();
  }
  return { next, previous: null, results: results.map(render) };
}
