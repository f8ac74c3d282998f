/**
 * Limits every JSON value a request carries before anything else reads it: nesting at most
 * `MAX_JSON_DEPTH` levels (validators and renderers recurse, and a 10,000-deep input would
 * overflow their stack) and no NUL character in any string or key (PostgreSQL's text cannot
 * hold one). Walked with a stack of its own, so the walk itself cannot overflow.
 */
import { GatewayError } from "../core/errors.ts";

export const MAX_JSON_DEPTH = 64;

interface Pending {
  value: unknown;
  path: string[];
}

/** `items[1].output_path`: array positions in brackets, as the rest of the API names them. */
function fieldName(path: string[]): string {
  return path.reduce(
    (name, key) => (/^\[\d+\]$/.test(key) ? `${name}${key}` : name ? `${name}.${key}` : key),
    "",
  );
}

function refused(path: string[], root: string, description: string): GatewayError {
  const field = path.length > 0 ? fieldName(path) : root;
  return new GatewayError("invalid_input", `${field} ${description}`, {
    invalidFields: [{ type: "format", field, description: `${field} ${description}` }],
  });
}

/**
 * The field the client wrote that nests too deep, not the levels under it: the path down to its
 * last named key within the first few levels (`input.extra` for `input.extra.0.0.0…`).
 */
function fieldOfDeep(path: string[], rootLength: number): string[] {
  const head = path.slice(0, rootLength + 8);
  let end = head.length;
  while (end > rootLength + 1 && /^\[\d+\]$/.test(head[end - 1] ?? "")) end--;
  return head.slice(0, end);
}

/** Throws a 422 naming the first field too deep or holding a NUL; `root` names the whole value. */
export function checkJsonShape(value: unknown, root: string, rootPath: string[] = []): void {
  const stack: Pending[] = [{ value, path: rootPath }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, path } = next;
    if (typeof current === "string") {
      if (current.includes("\0")) throw refused(path, root, "must not contain NUL characters (\\u0000)");
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    if (path.length - rootPath.length >= MAX_JSON_DEPTH)
      throw refused(fieldOfDeep(path, rootPath.length), root, `nests deeper than ${MAX_JSON_DEPTH} levels`);
    const isArray = Array.isArray(current);
    for (const [key, child] of Object.entries(current)) {
      if (key.includes("\0")) throw refused(path, root, "must not have a key with NUL characters (\\u0000)");
      stack.push({ value: child, path: [...path, isArray ? `[${key}]` : key] });
    }
  }
}
