/** Output files are stored as `{ "$file": key }` and rendered as absolute URLs when served. */

export interface FileRef {
  $file: string;
}

export function fileRef(key: string): FileRef {
  return { $file: key };
}

export function isFileRef(value: unknown): value is FileRef {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as FileRef).$file === "string"
  );
}

/** Rebuilds a JSON value, replacing every leaf that `match` accepts with `replace(leaf)`. */
export async function mapLeaves<T>(
  value: unknown,
  match: (leaf: unknown) => leaf is T,
  replace: (leaf: T) => unknown | Promise<unknown>,
): Promise<unknown> {
  if (match(value)) return replace(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(await mapLeaves(item, match, replace));
    return out;
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await mapLeaves(item, match, replace);
    return out;
  }
  return value;
}

/** Synchronous twin of mapLeaves for the file references of stored outputs. */
export function mapFileRefs(value: unknown, replace: (key: string) => unknown): unknown {
  if (isFileRef(value)) return replace(value.$file);
  if (Array.isArray(value)) return value.map((item) => mapFileRefs(item, replace));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapFileRefs(item, replace)]));
  }
  return value;
}

/** The storage keys of an output's files, in the order the output lists them. */
export function fileKeysOf(value: unknown): string[] {
  const keys: string[] = [];
  mapFileRefs(value, (key) => keys.push(key));
  return keys;
}
